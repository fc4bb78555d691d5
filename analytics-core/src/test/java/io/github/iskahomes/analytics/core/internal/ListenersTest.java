package io.github.iskahomes.analytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A host's listener that throws is logged once at WARN and goes no further. */
class ListenersTest {

    @Test
    void aThrowingListenerIsLoggedOnceAtWarnAndTheCallerCarriesOn() {
        Object listener = new Object() {
            @Override
            public String toString() {
                return "BrokenExporter";
            }
        };
        AtomicInteger calls = new AtomicInteger();
        String log = stderrOf(() -> Listeners.call(LoggerFactory.getLogger(ListenersTest.class), listener, "onBatch",
                () -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("registry closed");
                }));
        assertThat(calls).hasValue(1);
        // slf4j-simple, the tests' backend, writes to System.err: one WARN line, then the exception's stack trace.
        assertThat(log.lines().filter(line -> line.contains("BrokenExporter"))).containsExactly("[main] WARN "
                + ListenersTest.class.getName() + " - The listener BrokenExporter threw from onBatch; ignoring it (the"
                + " call it heard about is unaffected)");
        assertThat(log).contains("java.lang.IllegalStateException: registry closed");
    }

    @Test
    void aListenerThatReturnsLogsNothing() {
        String log = stderrOf(() -> Listeners.call(LoggerFactory.getLogger(ListenersTest.class), "quiet", "onBatch",
                () -> { }));
        assertThat(log).isEmpty();
    }

    private static String stderrOf(Runnable work) {
        PrintStream before = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(before);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
