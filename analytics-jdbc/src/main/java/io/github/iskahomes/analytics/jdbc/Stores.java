package io.github.iskahomes.analytics.jdbc;

import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.StoreUnavailableException;

import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;

/** Turns JDBC/Jdbi failures into the library's exceptions, naming the database. */
final class Stores {
    private Stores() {
    }

    /** "PostgreSQL at jdbc:postgresql://host:port/db" when the data source tells its URL, else "PostgreSQL". */
    static String describe(DataSource dataSource) {
        if (dataSource == null) {
            return "PostgreSQL";
        }
        // pgjdbc's data sources have getUrl(), HikariCP has getJdbcUrl(): ask politely, never require either.
        for (String getter : new String[] {"getUrl", "getJdbcUrl"}) {
            try {
                Method method = dataSource.getClass().getMethod(getter);
                Object url = method.invoke(dataSource);
                if (url != null) {
                    // Parameters may carry a password and are noise in a message: host, port and database suffice.
                    return "PostgreSQL at " + url.toString().replaceFirst("\\?.*", "");
                }
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // not this kind of data source
            }
        }
        return "PostgreSQL (" + dataSource.getClass().getName() + ")";
    }

    /** Runs database work; a lost or refused connection becomes a {@link StoreUnavailableException}. */
    static <T> T call(String store, String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (JdbiException e) {
            throw translate(store, what, e);
        }
    }

    static RuntimeException translate(String store, String what, RuntimeException e) {
        if (e instanceof AnalyticsException analytics) {
            return analytics;
        }
        if (isConnectionFailure(e)) {
            return new StoreUnavailableException(store, what + " failed: " + rootMessage(e), e);
        }
        return new AnalyticsException(what + " failed on " + store + ": " + rootMessage(e), e);
    }

    static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (t instanceof java.net.ConnectException || t instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
