package io.github.iskahomes.analytics.redis;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A small map from field names to values in the order they were added, backed by two arrays: what the reader hands
 * to {@link EntityDay} and {@link LeadState} for an entity-day's metadata and sketches (a handful of entries each),
 * instead of a {@code LinkedHashMap} that the record would copy into another one. JFR's allocation samples put those
 * two maps per entity-day among the reader's largest garbage. Filled by the reader through {@link #add} before it
 * hands the map over, unmodifiable from then on (and to everyone else from the start); equal to any map with the same
 * entries. Not thread-safe while it is filled; safe to share once handed over.
 */
final class FieldMap<V> extends AbstractMap<String, V> {
    private String[] names;
    private Object[] values;
    private int size;

    FieldMap(int capacity) {
        names = new String[Math.max(1, capacity)];
        values = new Object[names.length];
    }

    /** Adds a field, or replaces its value if it is there already (a hash never has a field twice). */
    void add(String name, V value) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                values[i] = value;
                return;
            }
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(key)) {
                return (V) values[i];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(key)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    @SuppressWarnings("unchecked")
                    public Entry<String, V> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int at = next++;
                        return new SimpleImmutableEntry<>(names[at], (V) values[at]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
