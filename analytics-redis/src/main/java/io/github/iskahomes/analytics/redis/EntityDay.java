package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.EntityRef;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entity's state for one day, as Redis holds it.
 *
 * @param entity   the listing, user or development
 * @param day      the business day
 * @param counters every counter of {@link io.github.iskahomes.analytics.core.EntityKind#counters()}, 0 when absent
 * @param uniques  the HyperLogLog estimate of every unique metric of the kind, 0 when absent
 * @param sketches the raw HyperLogLog bytes of each unique metric that exists (absent metrics are left out)
 * @param metadata the day's descriptive fields (lister_id, lister_type, user_type, development_id, developer_id)
 */
public record EntityDay(EntityRef entity, LocalDate day, Map<String, Long> counters, Map<String, Long> uniques,
                        Map<String, byte[]> sketches, Map<String, String> metadata) {
    public EntityDay {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(day, "day");
        // The reader's maps (MetricValues, FieldMap) are immutable already; copying them was most of a run's garbage.
        counters = counters instanceof MetricValues ? counters
                : Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        uniques = uniques instanceof MetricValues ? uniques
                : Collections.unmodifiableMap(new LinkedHashMap<>(uniques));
        sketches = sketches instanceof FieldMap ? sketches
                : Collections.unmodifiableMap(new LinkedHashMap<>(sketches));
        metadata = metadata instanceof FieldMap ? metadata
                : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A counter's value, 0 when absent. */
    public long counter(String metric) {
        return counters.getOrDefault(metric, 0L);
    }

    /** A unique count, 0 when absent. */
    public long unique(String metric) {
        return uniques.getOrDefault(metric, 0L);
    }
}
