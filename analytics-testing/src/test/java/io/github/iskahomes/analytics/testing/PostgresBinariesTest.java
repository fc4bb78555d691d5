package io.github.iskahomes.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {

    @TempDir
    Path workingDir;

    @Test
    void aFolderLeftHalfUnpackedIsEmptiedAndAReadyOneIsLeftAlone() throws IOException {
        Path cut = workingDir.resolve("PG-cut");
        Files.createDirectories(cut.resolve("lib"));
        Files.writeString(cut.resolve("lib/libpq.so"), "half");
        Files.createSymbolicLink(cut.resolve("lib/libicudata.so"), cut.resolve("lib/libpq.so"));
        Path ready = workingDir.resolve("PG-ready");
        Files.createDirectories(ready.resolve("bin"));
        Files.writeString(ready.resolve("bin/postgres"), "whole");
        Files.createFile(ready.resolve(".exists"));

        assertThat(PostgresBinaries.mend(workingDir)).containsExactly(cut);

        assertThat(names(cut)).containsExactly("epg-lock");
        assertThat(Files.readString(ready.resolve("bin/postgres"))).isEqualTo("whole");
        assertThat(PostgresBinaries.anyReady(workingDir)).isTrue();
        assertThat(PostgresBinaries.mend(workingDir)).as("an emptied folder is left for zonky to unpack into")
                .isEmpty();
    }

    @Test
    void aFolderAnotherUnpackingHoldsIsLeftAlone() throws IOException {
        Path busy = workingDir.resolve("PG-busy");
        Files.createDirectories(busy);
        Files.writeString(busy.resolve("postgres.txz.part"), "in progress");
        try (FileChannel channel = FileChannel.open(busy.resolve("epg-lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            assertThat(PostgresBinaries.mend(workingDir)).isEmpty();
        }
        assertThat(names(busy)).containsExactlyInAnyOrder("epg-lock", "postgres.txz.part");
        assertThat(PostgresBinaries.anyReady(workingDir)).isFalse();
    }

    @Test
    void aJvmWithA64MbHeapStartsPostgresOnAFreshMachine() throws Exception {
        Path output = workingDir.resolve("child.log");
        Path binaries = workingDir.resolve("embedded-pg");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m",
                "-Dot.epg.working-dir=" + binaries, "-cp", System.getProperty("java.class.path"),
                SmallHeap.class.getName())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).isTrue();

        String log = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(log).isZero();
        assertThat(log).contains("SmallHeap answered 42");
        assertThat(PostgresBinaries.anyReady(binaries)).isTrue();
    }

    /** Starts PostgreSQL in a 64 MB heap, as the aggregator's memory benchmark does, and asks it one question. */
    static final class SmallHeap {
        public static void main(String[] args) throws Exception {
            try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start();
                    Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT 6 * 7")) {
                rs.next();
                System.out.println("SmallHeap answered " + rs.getInt(1));
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).toList();
        }
    }
}
