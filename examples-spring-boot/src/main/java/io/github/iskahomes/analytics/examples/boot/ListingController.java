package io.github.iskahomes.analytics.examples.boot;

import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.Tracker;
import io.github.iskahomes.analytics.core.ListerType;
import io.github.iskahomes.analytics.core.ListingSource;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The app's own listing page: it tracks a view through the auto-configured {@link EventBatcher}, which sends to the
 * in-process ingestor (no HTTP hop) and drains on shutdown.
 */
@RestController
public class ListingController {
    private final EventBatcher batcher;

    ListingController(EventBatcher batcher) {
        this.batcher = batcher;
    }

    /** A listing as the site would render it; the view is tracked in the background and never delays the page. */
    @GetMapping("/listings/{id}")
    public Map<String, String> listing(@PathVariable("id") String id, @RequestParam("seeker") String seeker,
                                       @RequestParam(name = "from", defaultValue = "direct") String from) {
        Tracker.of(batcher, seeker, true).trackPropertyView(id, ListingSource.valueOf(from.toUpperCase(Locale.ROOT)),
                "dev-1", ListerType.DEVELOPER);
        return Map.of("listing", id, "title", "Three-bedroom flat, Lekki");
    }
}
