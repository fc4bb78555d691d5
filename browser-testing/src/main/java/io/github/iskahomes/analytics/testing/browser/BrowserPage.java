package io.github.iskahomes.analytics.testing.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.opentest4j.AssertionFailedError;

/**
 * One test's page: a fresh window of the shared headless Chromium, with what its console printed and screenshots.
 * Closing it (the extension does, after the test) closes the window and wipes the cookies, cache and storage of
 * every origin it {@linkplain #open opened}, so no test sees another's {@code localStorage}.
 *
 * <p>Not thread-safe: one test drives one page. Browser tests must not run in parallel within a JVM (they share the
 * browser and its console).
 */
public final class BrowserPage implements AutoCloseable {

    private final Chromium chromium;
    private final ChromeDriver driver;
    private final String window;
    private final Set<String> origins = new LinkedHashSet<>();
    private final List<ConsoleEntry> console = new ArrayList<>();
    private boolean closed;

    private BrowserPage(Chromium chromium) {
        this.chromium = chromium;
        this.driver = chromium.driver;
        this.window = chromium.openWindow();
        // The viewport itself, not the window around it, is 1280x900: screenshots have one size everywhere.
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", Chromium.WIDTH,
                "height", Chromium.HEIGHT, "deviceScaleFactor", 1, "mobile", false));
        // What earlier pages left in the browser's log is theirs, not this page's.
        driver.manage().logs().get(LogType.BROWSER);
    }

    /** A fresh page of this JVM's shared Chromium, started on first use; used by {@link ChromiumExtension}. */
    static BrowserPage open() {
        return new BrowserPage(Chromium.shared());
    }

    /** The Selenium driver, focused on this page's window: for {@code findElement}, clicks and keys. */
    public WebDriver driver() {
        focus();
        return driver;
    }

    /** Navigates to {@code url} and waits for its {@code load} event; its origin is wiped when the page closes. */
    public BrowserPage open(String url) {
        URI uri = URI.create(url);
        if (uri.getScheme() != null && uri.getScheme().startsWith("http") && uri.getAuthority() != null) {
            origins.add(uri.getScheme() + "://" + uri.getAuthority());
        }
        focus();
        driver.get(url);
        return this;
    }

    /** The URL the page shows now. */
    public String url() {
        focus();
        return driver.getCurrentUrl();
    }

    /**
     * Runs {@code js} as the body of a function in the page ({@code arguments[0]}... are {@code args}) and returns
     * what it returns: numbers as {@code Long} or {@code Double}, arrays as {@code List}, objects as {@code Map}.
     */
    public Object script(String js, Object... args) {
        focus();
        return driver.executeScript(js, args);
    }

    /**
     * Runs {@code js} with a callback as its last argument ({@code arguments[arguments.length - 1]}) and returns
     * the value passed to it; gives up after 30 s. For a promise: {@code const done = arguments[arguments.length -
     * 1]; somePromise.then(done, e => done('error: ' + e));}.
     */
    public Object asyncScript(String js, Object... args) {
        focus();
        return driver.executeAsyncScript(js, args);
    }

    /**
     * Waits until the JavaScript expression {@code condition} is truthy in the page and returns its value. The
     * timeout is a guard against a hang, not a measurement: on expiry it fails with {@code description}.
     */
    public Object waitFor(String description, String condition, Duration timeout) {
        return waitUntil(description, timeout, d -> {
            Object value = driver.executeScript("return (" + condition + ");");
            return value == null || Boolean.FALSE.equals(value) || "".equals(value) ? null : value;
        });
    }

    /**
     * Waits until {@code condition} returns something other than null or false (Selenium's {@link WebDriverWait});
     * on expiry fails with {@code description}. The timeout only guards against a hang.
     */
    public <T> T waitUntil(String description, Duration timeout, Function<WebDriver, T> condition) {
        focus();
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).withMessage(description)
                    .until(condition);
        } catch (TimeoutException e) {
            throw new AssertionFailedError("waited " + timeout.toSeconds() + " s in vain for: " + description
                    + "\nconsole:\n" + format(console()), e);
        }
    }

    /** Everything the console printed since this page opened, oldest first. */
    public List<ConsoleEntry> console() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            console.add(new ConsoleEntry(entry.getLevel().getName(), entry.getMessage(),
                    Instant.ofEpochMilli(entry.getTimestamp())));
        }
        return List.copyOf(console);
    }

    /** The console's errors: {@code console.error}, uncaught exceptions, failed loads (a 404, a refused request). */
    public List<ConsoleEntry> consoleErrors() {
        return console().stream().filter(ConsoleEntry::isError).collect(Collectors.toList());
    }

    /** Fails, listing them, when the console has any error. */
    public void assertNoConsoleErrors() {
        assertNoConsoleErrorsExcept(entry -> false);
    }

    /**
     * Fails, listing them, when the console has an error that {@code expected} does not accept: a test that makes
     * the server answer 503 on purpose accepts Chromium's "Failed to load resource: ... 503" lines, nothing else.
     */
    public void assertNoConsoleErrorsExcept(Predicate<ConsoleEntry> expected) {
        List<ConsoleEntry> errors = consoleErrors().stream().filter(expected.negate()).collect(Collectors.toList());
        if (!errors.isEmpty()) {
            throw new AssertionFailedError("the browser console has " + errors.size() + " error(s):\n"
                    + format(errors));
        }
    }

    /** Saves what the window shows (1280x900) as a PNG at {@code file}, creating its folders; returns the file. */
    public Path screenshot(Path file) {
        focus();
        return write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    /** Saves the whole page, beyond the window's height, as a PNG at {@code file}; returns the file. */
    public Path screenshotFullPage(Path file) {
        focus();
        Map<String, Object> result = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true));
        return write(file, Base64.getDecoder().decode((String) result.get("data")));
    }

    /** Closes the window and wipes its origins' cookies, cache and storage; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        chromium.closeWindow(window, List.copyOf(origins));
    }

    private void focus() {
        if (closed) {
            throw new IllegalStateException("this page is closed");
        }
        if (!window.equals(driver.getWindowHandle())) {
            driver.switchTo().window(window);
        }
    }

    private static Path write(Path file, byte[] png) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the screenshot " + file, e);
        }
    }

    static String format(List<ConsoleEntry> entries) {
        if (entries.isEmpty()) {
            return "  (empty)";
        }
        return entries.stream().map(entry -> "  " + entry).collect(Collectors.joining("\n"));
    }
}
