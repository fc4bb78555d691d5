package io.github.iskahomes.analytics.jdbc;

import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Jdbi;

/** Small SQL helpers for assertions. */
final class Db {
    private Db() {
    }

    static long scalar(Jdbi jdbi, String sql) {
        Long value = jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
        return value;
    }

    static List<String> strings(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    static Map<String, Object> row(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapToMap().one());
    }

    static List<Map<String, Object>> rows(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapToMap().list());
    }
}
