package io.github.iskahomes.analytics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.internal.Metrics;
import io.github.iskahomes.analytics.redis.EntityDay;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/** The two write paths of one kind's rows, COPY plus merge and {@code unnest}, on a real PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class EntityUpsertTest {
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    /** Every character COPY's text format gives a meaning to, and some it does not. */
    private static final String AWKWARD = "a\tb\\c\nd\re \\N f\\x00 ñ 😀";

    private Jdbi jdbi;

    @BeforeEach
    void setUp(TestPostgres pg) {
        jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
    }

    private static EntityDay row(EntityKind kind, String id, String metadata, byte[] sketch) {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (int i = 0; i < kind.counters().size(); i++) {
            counters.put(kind.counters().get(i), (long) i + 1);
        }
        Map<String, Long> uniques = new LinkedHashMap<>();
        Map<String, byte[]> sketches = new LinkedHashMap<>();
        for (String unique : kind.uniques()) {
            uniques.put(unique, 7L);
            if (sketch != null) {
                sketches.put(unique, sketch);
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        if (kind == EntityKind.USER) {
            meta.put(Metrics.META_USER_TYPE, "Agent");
        } else if (metadata != null) {
            for (String column : Tables.metadataColumns(kind)) {
                meta.put(column, metadata);
            }
        }
        return new EntityDay(new EntityRef(kind, id), DAY, counters, uniques, sketches, meta);
    }

    /** The stored rows of a kind, ids renamed to their position so both paths' rows compare. */
    private List<String> stored(EntityKind kind, String idPrefix) {
        String table = Tables.table(kind);
        String id = Tables.idColumn(kind);
        return jdbi.withHandle(h -> h.createQuery("SELECT (to_jsonb(t) - 'created_at' - 'updated_at' - '" + id
                        + "')::text FROM " + table + " t WHERE " + id + " LIKE :prefix ORDER BY " + id)
                .bind("prefix", idPrefix + "%").mapTo(String.class).list());
    }

    @Test
    void copyAndUnnestStoreTheSameRowsForEveryKindWhateverTheTextHolds() throws SQLException {
        byte[] sketch = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff, '\\', '\t', '\n'};
        for (EntityKind kind : EntityKind.values()) {
            EntityUpsert upsert = new EntityUpsert(kind);
            List<EntityDay> viaCopy = new ArrayList<>();
            List<EntityDay> viaUnnest = new ArrayList<>();
            String[] texts = {AWKWARD, null, "", "plain"};
            for (int i = 0; i < texts.length; i++) {
                viaCopy.add(row(kind, "copy-" + i, texts[i], i % 2 == 0 ? sketch : null));
                viaUnnest.add(row(kind, "unnest-" + i, texts[i], i % 2 == 0 ? sketch : null));
            }
            int copied = jdbi.inTransaction(h -> upsert.copy(h,
                    h.getConnection().unwrap(PGConnection.class).getCopyAPI(), DAY, viaCopy));
            int upserted = jdbi.inTransaction(h -> upsert.execute(h, DAY, viaUnnest));

            assertThat(copied).isEqualTo(upserted).isEqualTo(texts.length);
            assertThat(stored(kind, "copy-")).hasSize(texts.length).isEqualTo(stored(kind, "unnest-"));
        }
        assertThat(Db.strings(jdbi, "SELECT lister_id FROM listing_analytics WHERE listing_id = 'copy-0'"))
                .containsExactly(AWKWARD);
    }

    @Test
    void copyingAgainMergesIntoTheStoredRowsAndTheStageTableIsGoneAfterCommit() throws SQLException {
        EntityUpsert upsert = new EntityUpsert(EntityKind.LISTING);
        List<EntityDay> rows = List.of(row(EntityKind.LISTING, "L1", "agent-1", null),
                row(EntityKind.LISTING, "L2", null, null));
        jdbi.useTransaction(h -> {
            var copy = h.getConnection().unwrap(PGConnection.class).getCopyAPI();
            upsert.copy(h, copy, DAY, rows);
            // A second chunk in the same transaction reuses the stage table, emptied first.
            assertThat(upsert.copy(h, copy, DAY, List.of(row(EntityKind.LISTING, "L2", "agent-2", null))))
                    .isEqualTo(1);
        });

        assertThat(Db.strings(jdbi, "SELECT listing_id || '=' || coalesce(lister_id, '-') FROM listing_analytics"
                + " ORDER BY 1"))
                .containsExactly("L1=agent-1", "L2=agent-2");
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM pg_class WHERE relname = 'analytics_stage_listing_analytics'"))
                .isZero();
    }

    @Test
    void textThatIsNotValidUtf16IsRefusedBeforeCopyNotStoredAsQuestionMarks() {
        EntityUpsert upsert = new EntityUpsert(EntityKind.LISTING);
        List<EntityDay> rows = List.of(row(EntityKind.LISTING, "L1", "bad \uD800 surrogate", null));

        assertThatThrownBy(() -> upsert.encode(rows)).isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("a row holds text that is not valid UTF-16 (an unpaired surrogate)");
    }
}
