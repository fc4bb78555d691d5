package io.github.iskahomes.analytics.micrometer;

import io.micrometer.core.instrument.MeterRegistry;

/** Reading meters back from a registry in tests. */
final class Meters {
    private Meters() {
    }

    /** The count of the one counter of that name with (at least) those tags; fails if there is none. */
    static double count(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }
}
