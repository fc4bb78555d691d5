package io.github.iskahomes.analytics.redis;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map from a kind's metric names (in their column order) to their values, backed by one {@code long[]}:
 * what the reader hands to {@link EntityDay} instead of a {@code LinkedHashMap} of boxed values, which the record would
 * then copy again. At 100,000 entity-days a run, those maps were most of the reader's garbage, and under a 64 MB heap
 * the collector's CPU showed up beside PostgreSQL's. Equal to any map with the same entries; thread-safe.
 */
final class MetricValues extends AbstractMap<String, Long> {
    private final List<String> names;
    private final Map<String, Integer> index;
    private final long[] values;

    /** Takes {@code values} (not copied: the caller hands it over), one per name of {@code names}. */
    MetricValues(List<String> names, Map<String, Integer> index, long[] values) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException(names.size() + " names for " + values.length + " values");
        }
        this.names = names;
        this.index = index;
        this.values = values;
    }

    @Override
    public Long get(Object key) {
        Integer at = index.get(key);
        return at == null ? null : values[at];
    }

    @Override
    public Long getOrDefault(Object key, Long fallback) {
        Integer at = index.get(key);
        return at == null ? fallback : values[at];
    }

    @Override
    public boolean containsKey(Object key) {
        return index.containsKey(key);
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Set<Entry<String, Long>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Long>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Long> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int at = next++;
                        return new SimpleImmutableEntry<>(names.get(at), values[at]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
