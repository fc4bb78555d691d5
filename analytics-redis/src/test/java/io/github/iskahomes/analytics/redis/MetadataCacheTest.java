package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the Ingestor remembers of the metadata it wrote, and when it forgets. */
class MetadataCacheTest {

    @Test
    void aSignatureNamesTheHashTheFieldsAndTheValues() {
        long hash = MetadataCache.keySignature("listing:{L1}:day:20250115");
        long same = MetadataCache.signature(hash, List.of("lister_id", "U1", "lister_type", "agent"));
        assertThat(MetadataCache.signature(MetadataCache.keySignature("listing:{L1}:day:20250115"),
                List.of("lister_id", "U1", "lister_type", "agent"))).isEqualTo(same);
        Set<Long> others = new HashSet<>(List.of(same,
                MetadataCache.signature(hash, List.of("lister_id", "U2", "lister_type", "agent")),
                MetadataCache.signature(hash, List.of("lister_id", "U1", "lister_type", "agency")),
                MetadataCache.signature(hash, List.of("lister_id", "U1")),
                // Where one text ends and the next begins counts too.
                MetadataCache.signature(hash, List.of("lister_idU", "1", "lister_type", "agent")),
                MetadataCache.signature(MetadataCache.keySignature("listing:{L1}:day:20250116"),
                        List.of("lister_id", "U1", "lister_type", "agent"))));
        assertThat(others).hasSize(6).doesNotContain(0L);
    }

    @Test
    void twoSignaturesOfOneSetAreBothKeptAndAThirdReplacesOne() {
        MetadataCache cache = new MetadataCache();
        // Signatures whose low 17 bits (after folding) agree fall in one set of two slots.
        List<Long> sameSet = new ArrayList<>();
        for (long s = 1; sameSet.size() < 3; s++) {
            long signature = s << 32 | s; // folds to 0: slot 0
            sameSet.add(signature | (sameSet.size() == 1 ? Long.MIN_VALUE : 0));
        }
        cache.add(sameSet.get(0));
        cache.add(sameSet.get(1));
        assertThat(cache.contains(sameSet.get(0))).isTrue();
        assertThat(cache.contains(sameSet.get(1))).isTrue();
        cache.add(sameSet.get(2));
        assertThat(cache.contains(sameSet.get(2))).isTrue();
        assertThat(List.of(cache.contains(sameSet.get(0)), cache.contains(sameSet.get(1)))).containsOnlyOnce(true);
    }

    @Test
    void everythingIsForgottenTenMinutesAfterTheLastTime() {
        MetadataCache cache = new MetadataCache();
        long signature = MetadataCache.signature(MetadataCache.keySignature("user:{U1}:day:20250115"),
                List.of("user_type", "agent"));
        cache.add(signature);
        long start = System.nanoTime();
        cache.expire(start + TimeUnit.MINUTES.toNanos(9));
        assertThat(cache.contains(signature)).isTrue();
        cache.expire(start + TimeUnit.MINUTES.toNanos(11));
        assertThat(cache.contains(signature)).isFalse();
        cache.add(signature);
        cache.expire(start + TimeUnit.MINUTES.toNanos(20));
        assertThat(cache.contains(signature)).isTrue();
    }
}
