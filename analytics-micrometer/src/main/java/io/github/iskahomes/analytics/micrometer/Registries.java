package io.github.iskahomes.analytics.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The registries a binder was bound to, and the recording into each of them. A listener is called on the threads of
 * the component it hears, so this is thread-safe; binding twice to one registry binds it once. Meters are looked up
 * by name and tags on each recording (the registry returns the meter it already has), which costs a map look-up per
 * batch or run, not per event.
 */
final class Registries {
    private final CopyOnWriteArrayList<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Tags common;

    Registries(Iterable<io.micrometer.core.instrument.Tag> common) {
        this.common = Tags.of(Objects.requireNonNull(common, "tags"));
    }

    /** Adds {@code registry}; false if it was already bound. */
    boolean add(MeterRegistry registry) {
        return registries.addIfAbsent(Objects.requireNonNull(registry, "registry"));
    }

    void forEach(Consumer<MeterRegistry> action) {
        registries.forEach(action);
    }

    /** The tags every meter of the binder carries, then {@code keyValues}. */
    Tags tags(String... keyValues) {
        return common.and(keyValues);
    }

    Counter counter(MeterRegistry registry, String name, String description, String unit, Tags tags) {
        return Counter.builder(name).description(description).baseUnit(unit).tags(tags).register(registry);
    }

    Timer timer(MeterRegistry registry, String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).register(registry);
    }

    /** Adds {@code amount} (when positive) to the counter in every bound registry. */
    void count(String name, String description, String unit, Tags tags, long amount) {
        if (amount > 0) {
            registries.forEach(registry -> counter(registry, name, description, unit, tags).increment(amount));
        }
    }

    /** Records {@code elapsed} on the timer in every bound registry. */
    void time(String name, String description, Tags tags, Duration elapsed) {
        registries.forEach(registry -> timer(registry, name, description, tags).record(elapsed));
    }
}
