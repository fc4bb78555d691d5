package io.github.iskahomes.analytics.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * zonky's unpacked PostgreSQL binaries, which it keeps in {@code PG-<md5>} folders of its working directory
 * ({@code ot.epg.working-dir}, by default {@code <java.io.tmpdir>/embedded-pg}) and marks ready with a file
 * {@code .exists}. Two ways a first start on a fresh machine goes wrong, mended here before zonky runs:
 * <ul>
 *   <li>An unpacking cut short (the JVM killed, or out of memory) leaves a folder without {@code .exists}; zonky
 *   then unpacks into it again and fails on the first file already there, in every later JVM. Such a folder is
 *   emptied, unless another JVM is unpacking into it now (it holds the folder's {@code epg-lock}).
 *   <li>zonky's xz decoder needs about 100 MB of heap, more than a JVM started with {@code -Xmx64m} (as the
 *   aggregator's memory benchmark is) has. Such a JVM has the binaries unpacked by a JVM of its own first.
 * </ul>
 */
final class PostgresBinaries {

    private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);
    /** Below this maximum heap, unpacking runs in a JVM of its own. */
    static final long UNPACKING_HEAP = 256L << 20;
    private static final String READY = ".exists";
    private static final String LOCK = "epg-lock";

    private PostgresBinaries() {
    }

    /** Mends half-unpacked folders, then unpacks in another JVM if none is ready and this heap is too small. */
    static synchronized void prepare() {
        Path workingDir = workingDir();
        mend(workingDir);
        if (Runtime.getRuntime().maxMemory() < UNPACKING_HEAP && !anyReady(workingDir)) {
            unpackInOwnJvm(workingDir);
        }
    }

    static Path workingDir() {
        return Path.of(System.getProperty("ot.epg.working-dir",
                new File(System.getProperty("java.io.tmpdir"), "embedded-pg").getPath()));
    }

    /** Empties each {@code PG-*} folder that holds files but is not ready and that no one is unpacking into; returns those. */
    static List<Path> mend(Path workingDir) {
        List<Path> mended = new ArrayList<>();
        for (Path folder : folders(workingDir)) {
            if (Files.exists(folder.resolve(READY))) {
                continue;
            }
            try (FileChannel channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                if (lock == null || Files.exists(folder.resolve(READY))) {
                    continue;
                }
                List<Path> leftovers;
                try (Stream<Path> children = Files.list(folder)) {
                    leftovers = children.filter(child -> !child.getFileName().toString().equals(LOCK)).toList();
                }
                if (leftovers.isEmpty()) {
                    continue;
                }
                leftovers.forEach(EmbeddedRedisServer::deleteQuietly);
                log.warn("Emptied {}: an earlier unpacking of PostgreSQL's binaries into it was cut short", folder);
                mended.add(folder);
            } catch (OverlappingFileLockException busy) {
                // This JVM is unpacking into it right now.
            } catch (IOException e) {
                throw new UncheckedIOException("could not check the embedded PostgreSQL binaries in " + folder, e);
            }
        }
        return mended;
    }

    static boolean anyReady(Path workingDir) {
        return folders(workingDir).stream().anyMatch(folder -> Files.exists(folder.resolve(READY)));
    }

    private static List<Path> folders(Path workingDir) {
        if (!Files.isDirectory(workingDir)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(workingDir)) {
            return folders.filter(f -> f.getFileName().toString().startsWith("PG-") && Files.isDirectory(f)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the embedded PostgreSQL binaries in " + workingDir, e);
        }
    }

    private static void unpackInOwnJvm(Path workingDir) {
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        log.info("Unpacking PostgreSQL's binaries in a JVM of its own: this one's heap ({} MB) is too small for it",
                heapMb);
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + (UNPACKING_HEAP >> 20) + "m", "-Dot.epg.working-dir=" + workingDir,
                "-cp", System.getProperty("java.class.path"), PostgresBinaries.class.getName());
        Path output = null;
        try {
            output = Files.createTempFile("analytics-pg-unpack-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("unpacking PostgreSQL's binaries took over 5 minutes: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("could not unpack PostgreSQL's binaries in a JVM of its own (exit "
                        + process.exitValue() + "); start this JVM once with -Xmx256m or more: " + command
                        + "; its output ends: " + tail(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a JVM to unpack PostgreSQL's binaries: " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while PostgreSQL's binaries were unpacked", e);
        } finally {
            EmbeddedRedisServer.deleteQuietly(output);
        }
    }

    /** The last 2,000 characters of a log. */
    private static String tail(Path log) throws IOException {
        String text = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8);
        return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
    }

    /** Unpacks the binaries, by starting and stopping a server in a temporary directory. */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("analytics-pg-unpack-");
        try {
            EmbeddedPostgres.builder().setDataDirectory(dir).start().close();
        } finally {
            EmbeddedRedisServer.deleteQuietly(dir);
        }
    }
}
