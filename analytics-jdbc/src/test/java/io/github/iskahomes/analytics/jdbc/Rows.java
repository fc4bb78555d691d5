package io.github.iskahomes.analytics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Exact row assertions: every column either has the expected value, or is 0 (numbers) or null (the rest). */
final class Rows {
    private Rows() {
    }

    static Map<String, Object> expect(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object value = keyValues[i + 1];
            if (value instanceof String s && s.matches("-?\\d+\\.\\d\\d")) {
                value = new BigDecimal(s);
            }
            map.put((String) keyValues[i], value);
        }
        return map;
    }

    /** Compares every column except timestamps, ids and sketch bytes (checked elsewhere). */
    static void assertExactly(Map<String, Object> actual, Map<String, Object> expected) {
        Map<String, Object> got = new TreeMap<>();
        Map<String, Object> want = new TreeMap<>();
        actual.forEach((column, value) -> {
            if (column.equals("created_at") || column.equals("updated_at") || column.equals("id")
                    || column.endsWith("_hll")) {
                return;
            }
            if (value instanceof java.sql.Date date) {
                value = date.toLocalDate();
            }
            got.put(column, value);
            Object expectedValue = expected.containsKey(column) ? expected.get(column) : zeroLike(value);
            want.put(column, expectedValue);
        });
        assertThat(expected.keySet()).allMatch(actual::containsKey);
        assertThat(got).isEqualTo(want);
    }

    private static Object zeroLike(Object value) {
        if (value instanceof Long) {
            return 0L;
        }
        if (value instanceof Integer) {
            return 0;
        }
        if (value instanceof BigDecimal) {
            return new BigDecimal("0.00");
        }
        return null;
    }
}
