package io.github.iskahomes.analytics.examples.wiring;

import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.PostHogSink;
import io.github.iskahomes.analytics.batcher.Tracker;
import io.github.iskahomes.analytics.core.LeadKind;
import io.github.iskahomes.analytics.core.ListerType;
import io.github.iskahomes.analytics.core.ListingSource;
import java.net.URI;

/** The batcher in a host app: the seed's dual write (our ingest endpoint and PostHog) behind the typed facade. */
public final class HostAppTracking {
    private HostAppTracking() {
    }

    public static void main(String[] args) {
        try (EventBatcher batcher = EventBatcher.builder()
                .sink(HttpIngestSink.builder(URI.create("https://app.example.com/api/ingest/posthog"))
                        .secret(System.getenv("ANALYTICS_WEBHOOK_SECRET"))
                        .build())
                .sink(PostHogSink.builder(System.getenv("POSTHOG_API_KEY")).build())
                .build()) {
            Tracker seeker = Tracker.of(batcher, "seeker-456", true);
            seeker.trackPropertyView("listing-123", ListingSource.HOME, "dev-1", ListerType.DEVELOPER);
            seeker.trackLead(LeadKind.PHONE, "listing-123", "dev-1", ListerType.DEVELOPER, null);
        } // close() drains the queues within the close timeout
    }
}
