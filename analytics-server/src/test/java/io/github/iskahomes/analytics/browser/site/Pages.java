package io.github.iskahomes.analytics.browser.site;

import io.github.iskahomes.analytics.browser.BrowserScript;
import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The test pages: analytics.js on a page as a host would put it, and the calls tests make into it. */
final class Pages {

    /** Guards against a hang only; a healthy run takes a fraction of it. */
    static final Duration GUARD = Duration.ofSeconds(60);

    private Pages() {
    }

    /**
     * A page with the classic build and {@code window.tracker = IskaAnalytics.createAnalytics(options)}, where
     * {@code options} is a JavaScript object literal; errors the tracker reports land in {@code analyticsErrors}.
     */
    static String tracker(String options) {
        return tracker(options, "");
    }

    /** The same, with {@code head} (scripts that must run first, such as posthog-js) before the tracker. */
    static String tracker(String options, String head) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">"
                + "<title>tracker</title>" + head + "</head><body><h1>listing</h1>"
                + "<script src=\"/analytics/js/" + BrowserScript.classic().fileName() + "\"></script>"
                + "<script>window.analyticsErrors = [];\n"
                + "window.tracker = IskaAnalytics.createAnalytics(Object.assign("
                + "{ onError: e => analyticsErrors.push(e.message) }, " + options + "));</script>"
                + "</body></html>";
    }

    /** A page without the tracker, to navigate away to. */
    static String plain() {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">"
                + "<title>elsewhere</title></head><body>elsewhere</body></html>";
    }

    /** Runs {@code tracker.flush()} in the page and returns {@code tracker.stats()} once it resolved. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> flush(BrowserPage page) {
        return (Map<String, Object>) page.asyncScript("const done = arguments[arguments.length - 1];"
                + "tracker.flush().then(() => done(tracker.stats()), e => done({ error: String(e) }));");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> stats(BrowserPage page) {
        return (Map<String, Object>) page.script("return tracker.stats();");
    }

    @SuppressWarnings("unchecked")
    static List<String> errors(BrowserPage page) {
        return (List<String>) page.script("return analyticsErrors;");
    }

    /** Runs {@code js} (which tracks events and returns their uuids) in the page. */
    @SuppressWarnings("unchecked")
    static List<String> track(BrowserPage page, String js) {
        return (List<String>) page.script(js);
    }
}
