package io.github.iskahomes.analytics.examples.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the client's time of an ingest goes: reads a JFR recording of {@link IngestBenchmark} and sorts its execution
 * samples into the client's jobs by the innermost frame of a known kind (validation, planning, encoding, Lettuce's
 * I/O), then lists the top frames.
 *
 * <pre>
 * java -XX:FlightRecorderOptions:stackdepth=256 -XX:StartFlightRecording=filename=ingest.jfr,settings=profile \
 *     -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.IngestBenchmark --measure true --events 100000 --mix property_view
 * java -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.JfrProfile ingest.jfr
 * </pre>
 * Samples of the benchmark's own event generation and of JVM start-up are counted apart and left out of the shares.
 */
public final class JfrProfile {
    /** Job names by the class name fragments whose frames belong to them, innermost match first. */
    private static final List<Map.Entry<String, String>> JOBS = List.of(
            Map.entry("IngestBenchmark.propertyViewBatches", "(benchmark: generating events)"),
            Map.entry("IngestBenchmark.batches", "(benchmark: generating events)"),
            Map.entry("TrafficSimulator", "(benchmark: generating events)"),
            Map.entry(".ScriptArgs.", "encoding: RESP of the script call"),
            Map.entry(".Utf8Codec.", "encoding: RESP of the script call"),
            Map.entry(".ScriptCall.", "encoding: script call arguments"),
            Map.entry(".Marker.", "planning: writer (ops, markers, calls)"),
            Map.entry(".WritePlanner.", "planning: writer (ops, markers, calls)"),
            Map.entry(".EntityDayOps.", "planning: writer (ops, markers, calls)"),
            Map.entry(".IndexOps.", "planning: writer (ops, markers, calls)"),
            Map.entry(".CountOps.", "planning: writer (ops, markers, calls)"),
            Map.entry(".MetricContract.", "planning: metric contract (mutations)"),
            Map.entry(".EventValidator.", "validation"),
            Map.entry(".CheckedEvent.", "validation"),
            Map.entry("analytics.core.Event.", "validation"),
            Map.entry("io.lettuce.core.protocol.CommandHandler.channelRead", "Lettuce: reading replies"),
            Map.entry("io.lettuce.core.output.", "Lettuce: reading replies"),
            Map.entry("io.lettuce.core.protocol.CommandEncoder", "Lettuce: encoding"),
            Map.entry("io.lettuce.", "Lettuce: queueing, flushing, futures"),
            Map.entry("io.netty.", "Netty: socket I/O and event loop"),
            Map.entry(".RedisStore.", "Ingestor: waiting, results"),
            Map.entry(".Ingestor.", "Ingestor: waiting, results"),
            Map.entry(".ScriptRunner.", "Ingestor: waiting, results"));

    /**
     * Frames of work done once (connecting, loading classes): a sample with one of them anywhere on its stack is
     * start-up, even when an inner frame is Lettuce's or Netty's.
     */
    private static final List<String> START_UP = List.of("RedisClient.connect", "RedisClusterClient.connect",
            "Ingestor.connect", "Ingestor.create", "java.lang.ClassLoader.loadClass", "jdk.internal.loader.");

    private JfrProfile() {
    }

    private static boolean startUp(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String name = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
            for (String marker : START_UP) {
                if (name.contains(marker)) {
                    return true;
                }
            }
        }
        return false;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> jobs = new TreeMap<>();
        Map<String, Integer> top = new TreeMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            String job = "other (JVM, JIT, start-up)";
            outer:
            for (RecordedFrame frame : startUp(frames) ? List.<RecordedFrame>of() : frames) {
                String name = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
                for (Map.Entry<String, String> entry : JOBS) {
                    if (name.contains(entry.getKey())) {
                        job = entry.getValue();
                        break outer;
                    }
                }
            }
            jobs.merge(job, 1, Integer::sum);
            if (!job.startsWith("(") && !job.startsWith("other")) {
                samples++;
                RecordedFrame first = frames.get(0);
                top.merge(first.getMethod().getType().getName() + "." + first.getMethod().getName(), 1, Integer::sum);
            }
        }
        int counted = samples;
        System.out.printf("%d samples of the ingest path; share of them per job:%n", counted);
        jobs.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).forEach(job ->
                System.out.printf(job.getKey().startsWith("(") || job.getKey().startsWith("other")
                        ? "  %5s   %s (%d samples, not counted)%n" : "  %5.1f%%  %s%n",
                        job.getKey().startsWith("(") || job.getKey().startsWith("other") ? "" : 100.0 * job.getValue() / counted,
                        job.getKey(), job.getValue()));
        System.out.println("top frames:");
        top.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15).forEach(
                frame -> System.out.printf("  %5.1f%%  %s%n", 100.0 * frame.getValue() / counted, frame.getKey()));
    }
}
