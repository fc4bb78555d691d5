package io.github.iskahomes.analytics.testing.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one headless Chromium of this test JVM, started lazily on the first page and stopped when the test plan ends
 * (or by a shutdown hook). Starting Chromium takes about a second and a few hundred MB, so every test shares it and
 * gets its own window instead ({@link BrowserPage}).
 *
 * <p>One "home" window ({@code about:blank}) always stays open: ChromeDriver ends the session when its last window
 * closes.
 */
final class Chromium {

    static final String BINARY_ENV = "ANALYTICS_CHROMIUM";
    static final String DRIVER_ENV = "ANALYTICS_CHROMEDRIVER";
    static final String DEFAULT_BINARY = "/usr/bin/chromium";
    static final String DEFAULT_DRIVER = "/usr/bin/chromedriver";
    /** Fixed so screenshots have one size on every machine. */
    static final int WIDTH = 1280;
    static final int HEIGHT = 900;

    private static final Logger log = LoggerFactory.getLogger(Chromium.class);

    /**
     * Selenium looks for a CDP binding of the browser's exact version, which a distribution's Chromium often
     * outruns, and warns through java.util.logging; we use only ChromeDriver's own CDP endpoint, which needs none.
     * Held here so the level sticks (JUL keeps loggers weakly).
     */
    private static final java.util.logging.Logger CDP_VERSION_LOG =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private static Chromium shared;
    private static boolean hookInstalled;

    final ChromeDriver driver;
    final String homeWindow;

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
        this.homeWindow = driver.getWindowHandle();
    }

    /** The shared browser, started on first use. Throws with the install command when Chromium is missing. */
    static synchronized Chromium shared() {
        if (shared == null) {
            if (!hookInstalled) {
                hookInstalled = true;
                Runtime.getRuntime().addShutdownHook(new Thread(Chromium::stopShared, "analytics-chromium-stop"));
            }
            shared = start();
        }
        return shared;
    }

    /** Quits the shared browser if it runs; a later page starts a new one. */
    static synchronized void stopShared() {
        if (shared == null) {
            return;
        }
        try {
            shared.driver.quit();
        } catch (RuntimeException e) {
            log.warn("could not stop Chromium: {}", e.toString());
        }
        shared = null;
    }

    private static Chromium start() {
        CDP_VERSION_LOG.setLevel(Level.SEVERE);
        Path binary = executable(BINARY_ENV, DEFAULT_BINARY, "Chromium");
        Path chromedriver = executable(DRIVER_ENV, DEFAULT_DRIVER, "chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=" + WIDTH + "," + HEIGHT,
                // No first-run pages, sync or update checks: a test browser talks only to the test's servers.
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--password-store=basic");
        // The console reaches us through ChromeDriver's log endpoint: every level, from every window.
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            throw new IllegalStateException("Chromium " + binary + " did not start through " + chromedriver
                    + " (are the versions of chromium and chromium-driver the same? "
                    + "apt-get install chromium chromium-driver installs a matching pair): " + e.getMessage(), e);
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
        log.info("Chromium {} started ({} through {})", driver.getCapabilities().getBrowserVersion(), binary,
                chromedriver);
        return new Chromium(driver);
    }

    /** The executable from the override or the default path; missing means a clear failure, never a skip. */
    static Path executable(String env, String defaultPath, String what) {
        String override = setting(env);
        Path path = Path.of(override != null ? override : defaultPath);
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new IllegalStateException(what + " not found at " + path
                    + (override != null ? " (from " + env + ")" : "")
                    + ": the browser tests need a headless Chromium and its driver. Install them with"
                    + " `apt-get install chromium chromium-driver` (Debian/Ubuntu; .ci/run does it), or set "
                    + BINARY_ENV + " and " + DRIVER_ENV + " to the paths of a matching pair.");
        }
        return path;
    }

    /** An environment variable, or a system property of the same name (as analytics-testing reads its overrides). */
    static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Opens a new blank window and makes it current. */
    synchronized String openWindow() {
        driver.switchTo().window(homeWindow);
        driver.switchTo().newWindow(WindowType.WINDOW);
        return driver.getWindowHandle();
    }

    /**
     * Closes a page's window, then wipes what it left in the browser: cookies, the cache and the storage
     * (localStorage, IndexedDB, service workers...) of every origin it opened, so the next test starts clean.
     */
    synchronized void closeWindow(String handle, List<String> origins) {
        try {
            if (driver.getWindowHandles().contains(handle)) {
                driver.switchTo().window(handle);
                driver.close();
            }
        } finally {
            driver.switchTo().window(homeWindow);
            driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
            driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
            for (String origin : origins) {
                driver.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", origin, "storageTypes", "all"));
            }
        }
    }
}
