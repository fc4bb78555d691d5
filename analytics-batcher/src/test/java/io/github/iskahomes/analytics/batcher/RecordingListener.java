package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything a batcher reports, for assertions. */
final class RecordingListener implements BatcherListener {
    record Drop(String sink, Event event, DropReason reason) {
    }

    record Failure(String sink, List<Event> events, String reason) {
    }

    record Retry(String sink, int count, int attempt, Duration delay, String reason) {
    }

    record Rejection(String sink, Event event, String reason) {
    }

    final List<Drop> drops = new CopyOnWriteArrayList<>();
    final List<Failure> failures = new CopyOnWriteArrayList<>();
    final List<Retry> retries = new CopyOnWriteArrayList<>();
    final List<Integer> sent = new CopyOnWriteArrayList<>();
    final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    /** Every call in the order it came, as "sent 9", "failed 1", "retry 10", "dropped QUEUE_FULL", "rejected". */
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void onSent(String sink, int count) {
        sent.add(count);
        calls.add("sent " + count);
    }

    @Override
    public void onRetry(String sink, int count, int attempt, Duration delay, String reason) {
        retries.add(new Retry(sink, count, attempt, delay, reason));
        calls.add("retry " + count);
    }

    @Override
    public void onDropped(String sink, Event event, DropReason reason) {
        drops.add(new Drop(sink, event, reason));
        calls.add("dropped " + reason);
    }

    @Override
    public void onFailed(String sink, List<Event> events, String reason) {
        failures.add(new Failure(sink, List.copyOf(events), reason));
        calls.add("failed " + events.size());
    }

    @Override
    public void onRejected(String sink, Event event, String reason) {
        rejections.add(new Rejection(sink, event, reason));
        calls.add("rejected");
    }
}
