package io.github.iskahomes.analytics.jdbc;

import java.sql.Array;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.github.iskahomes.analytics.core.internal.Resources;

import org.jdbi.v3.core.argument.Argument;

/** SQL resources of this package and array arguments for {@code unnest} upserts. */
final class Sql {
    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();

    private Sql() {
    }

    /** The text of {@code io/github/iskahomes/analytics/jdbc/<name>}. */
    static String resource(String name) {
        return CACHE.computeIfAbsent(name, n -> Resources.text(Sql.class.getResourceAsStream(n), "SQL resource " + n));
    }

    /**
     * A JDBC array of {@code sqlType} (text, bigint, bytea, numeric, timestamptz…) bound as one parameter, so a batch
     * of any size costs a fixed number of parameters ({@code unnest(:a::text[], :b::bigint[])}).
     */
    static Argument array(String sqlType, List<?> values) {
        Object[] elements = values.toArray(new Object[0]);
        if ("bytea".equals(sqlType)) {
            elements = values.toArray(new byte[0][]);
        }
        Object[] bound = elements;
        return (position, statement, ctx) -> {
            Array array = statement.getConnection().createArrayOf(sqlType, bound);
            statement.setArray(position, array);
        };
    }

    /** A nullable value of an explicit SQL type. */
    static Argument nullable(Object value, int sqlType) {
        return (position, statement, ctx) -> {
            if (value == null) {
                statement.setNull(position, sqlType);
            } else {
                statement.setObject(position, value, sqlType);
            }
        };
    }

    static final int TEXT = Types.VARCHAR;
}
