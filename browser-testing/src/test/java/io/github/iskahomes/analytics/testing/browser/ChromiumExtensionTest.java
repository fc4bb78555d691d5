package io.github.iskahomes.analytics.testing.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

@ExtendWith(ChromiumExtension.class)
class ChromiumExtensionTest {

    private static final String PAGE = """
            <!doctype html><html><head><meta charset="utf-8"><title>harness</title>
            <link rel="icon" href="data:,"></head>
            <body><h1 id="greeting">hello</h1>
            <script>
              console.log('page says hi');
              window.stored = localStorage.getItem('visits');
              localStorage.setItem('visits', String(Number(window.stored || 0) + 1));
              if (location.search === '?boom') { console.error('something broke'); }
              if (location.search === '?throw') { setTimeout(() => { throw new Error('uncaught on purpose'); }); }
            </script></body></html>
            """;

    private HttpServer server;
    private String base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void aPageRunsItsScriptAndTheTestReadsTheDom(BrowserPage page) {
        page.open(base);

        assertThat(page.driver().findElement(org.openqa.selenium.By.id("greeting")).getText()).isEqualTo("hello");
        assertThat(page.script("return document.title;")).isEqualTo("harness");
        assertThat(page.asyncScript("const done = arguments[arguments.length - 1]; Promise.resolve(41 + 1).then(done);"))
                .isEqualTo(42L);
        page.assertNoConsoleErrors();
    }

    @Test
    void theConsoleIsCollectedAndAnErrorFailsTheCheckWithItsText(BrowserPage page) {
        page.open(base + "?boom");

        assertThat(page.console()).extracting(ConsoleEntry::message).anyMatch(m -> m.contains("page says hi"));
        assertThat(page.consoleErrors()).hasSize(1);
        assertThatThrownBy(page::assertNoConsoleErrors).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("the browser console has 1 error(s)").hasMessageContaining("something broke");
        page.assertNoConsoleErrorsExcept(entry -> entry.message().contains("something broke"));
    }

    @Test
    void anUncaughtExceptionIsAConsoleError(BrowserPage page) {
        page.open(base + "?throw");

        page.waitUntil("the uncaught error in the console", Duration.ofSeconds(10),
                d -> page.consoleErrors().isEmpty() ? null : true);
        assertThat(page.consoleErrors()).extracting(ConsoleEntry::message)
                .anyMatch(m -> m.contains("uncaught on purpose"));
    }

    @Test
    void aScreenshotIsAPngOfTheWindow(BrowserPage page, @TempDir Path dir) throws IOException {
        page.open(base);

        Path shot = page.screenshot(dir.resolve("shots/page.png"));
        Path full = page.screenshotFullPage(dir.resolve("full.png"));

        for (Path png : new Path[] {shot, full}) {
            byte[] bytes = Files.readAllBytes(png);
            assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
            // IHDR width and height, big-endian at offsets 16 and 20
            assertThat(java.nio.ByteBuffer.wrap(bytes, 16, 4).getInt()).isEqualTo(Chromium.WIDTH);
        }
        assertThat(java.nio.ByteBuffer.wrap(Files.readAllBytes(shot), 20, 4).getInt()).isEqualTo(Chromium.HEIGHT);
    }

    @Test
    void aNewPageStartsWithoutTheStorageOfTheLastOne() {
        try (BrowserPage first = BrowserPage.open()) {
            first.open(base);
            first.open(base);
            assertThat(first.script("return window.stored;")).isEqualTo("1");
        }
        try (BrowserPage second = BrowserPage.open()) {
            second.open(base);
            assertThat(second.script("return window.stored;")).isNull();
            assertThat(second.console()).extracting(ConsoleEntry::message).hasSize(1)
                    .allMatch(m -> m.contains("page says hi"));
        }
    }

    @Test
    void aWaitThatNeverEndsFailsWithItsDescription(BrowserPage page) {
        page.open(base);

        assertThatThrownBy(() -> page.waitFor("a heading that never comes", "document.querySelector('h2')",
                Duration.ofMillis(300))).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("a heading that never comes");
    }

    @Test
    void aMissingChromiumFailsWithTheInstallCommand() {
        System.setProperty(Chromium.BINARY_ENV, "/nonexistent/chromium");
        try {
            assertThatThrownBy(() -> Chromium.executable(Chromium.BINARY_ENV, Chromium.DEFAULT_BINARY, "Chromium"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Chromium not found at /nonexistent/chromium (from ANALYTICS_CHROMIUM)")
                    .hasMessageContaining("apt-get install chromium chromium-driver");
        } finally {
            System.clearProperty(Chromium.BINARY_ENV);
        }
    }
}
