package io.github.iskahomes.analytics.testing.browser;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that injects a {@link BrowserPage}, a fresh window of one real headless Chromium, into test
 * constructors, {@code @BeforeEach} methods and test methods (all three receive the same page within one test).
 * Chromium starts once per test JVM, on first use, and quits when the test plan ends.
 *
 * <pre>{@code
 * @ExtendWith(ChromiumExtension.class)
 * class DashboardPageTest {
 *     @Test
 *     void showsTheViews(BrowserPage page) {
 *         page.open("http://127.0.0.1:" + port + "/");
 *         page.waitFor("the views", "document.querySelector('#views')?.textContent", Duration.ofSeconds(10));
 *         page.assertNoConsoleErrors();
 *     }
 * }
 * }</pre>
 *
 * <p>It runs Debian's {@code /usr/bin/chromium} through {@code /usr/bin/chromedriver} with {@code --headless=new
 * --no-sandbox --disable-dev-shm-usage}; {@code ANALYTICS_CHROMIUM} and {@code ANALYTICS_CHROMEDRIVER} (environment
 * variables or system properties) point elsewhere. When they are missing the test fails with the install command,
 * it is never skipped. When a test fails, a screenshot goes to {@code target/browser-failures/} and the page's
 * console to the log.
 */
public final class ChromiumExtension implements ParameterResolver, AfterTestExecutionCallback {

    private static final Logger log = LoggerFactory.getLogger(ChromiumExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChromiumExtension.class);

    /** Called by JUnit. */
    public ChromiumExtension() {
    }

    /** Constructor injection sees the test method's context, so a per-method instance gets a per-method page. */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == BrowserPage.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        extensionContext.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(StopAtEnd.class, k -> new StopAtEnd(),
                StopAtEnd.class);
        // The store looks up parent contexts too: with PER_CLASS lifecycle the constructor's page serves every method.
        return extensionContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(BrowserPage.class, k -> BrowserPage.open(), BrowserPage.class);
    }

    /** Runs before {@code @AfterEach}, while the page is still open: what it showed is the best clue of a failure. */
    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        BrowserPage page = context.getStore(NAMESPACE).get(BrowserPage.class, BrowserPage.class);
        if (page == null) {
            return;
        }
        String name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        try {
            Path shot = page.screenshot(Path.of("target", "browser-failures", name + ".png"));
            log.warn("{} failed; screenshot {}; console:\n{}", name, shot.toAbsolutePath(),
                    BrowserPage.format(page.console()));
        } catch (RuntimeException e) {
            log.warn("{} failed; no screenshot: {}", name, e.toString());
        }
    }

    /** Quits the shared Chromium when the test plan ends (JUnit closes the root store last). */
    private static final class StopAtEnd implements AutoCloseable {
        @Override
        public void close() {
            Chromium.stopShared();
        }
    }
}
