package io.github.iskahomes.analytics.batcher;

/**
 * A snapshot of one sink's counters, for export to a metrics system. Every event handed to the sink ends up in exactly
 * one of {@code sent}, {@code rejected}, {@code failed} or {@code dropped}, or is still pending:
 * {@code enqueued == sent + rejected + failed + dropped + pending}.
 *
 * @param sink     the sink's name
 * @param enqueued events handed to the sink by {@code track()} (including those then dropped)
 * @param sent     events the sink's backend accepted
 * @param retried  events re-sent after a retryable failure (a batch of 200 retried twice counts 400)
 * @param dropped  events dropped without being sent, for any {@link DropReason}
 * @param failed   events that will not be sent: refused with their batch (a 4xx answer), out of attempts, or unable
 *                 to be sent at all (no JSON form, larger than a request may be)
 * @param rejected events the backend took and refused one by one (invalid data, the ingestor's {@code rejected[]})
 * @param pending  events queued or in flight at the time of the snapshot
 */
public record SinkStats(String sink, long enqueued, long sent, long retried, long dropped, long failed, long rejected,
                        long pending) {
}
