package io.c2c.systemtests.browser;

import static io.c2c.systemtests.browser.SitePages.waitPage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The shell page and the service worker in headless Chromium, against {@link ShellTestSite} (no signaling, so the
 * agent serves from the origin proxy): a deep link opens the shell with the site in its frame; once the worker runs,
 * manifest files reach the frame through worker → shell agent → origin proxy (never directly), and from the agent's
 * store once held; non-manifest GETs,
 * POSTs and range requests pass through untouched; links, back/forward and reload keep the top-level URL and the
 * frame in step, and a reload gets the shell from the worker's cache.
 */
class ShellNavigationIT {

    private static final Duration STEP = Duration.ofSeconds(30);


    private static final String WAIT_CONTROLLED = """
            const done = arguments[arguments.length - 1];
            const started = Date.now();
            (function poll() {
              const f = document.getElementById('c2c-site');
              let controlled = false;
              try { controlled = !!f.contentWindow.navigator.serviceWorker.controller; } catch (e) {}
              if (controlled && navigator.serviceWorker.controller) return done('controlled');
              if (Date.now() - started > 20000) return done('TIMEOUT frame controlled=' + controlled);
              setTimeout(poll, 50);
            })();
            """;

    private static final String FETCHES = """
            const done = arguments[arguments.length - 1];
            const w = document.getElementById('c2c-site').contentWindow;
            (async () => {
              const agent = await w.fetch('/app.js');
              const api = await w.fetch('/api/data.json');
              const post = await w.fetch('/api/echo', {method: 'POST', body: 'ping'});
              const range = await w.fetch('/app.js', {headers: {Range: 'bytes=0-3'}});
              done({
                agentSource: agent.headers.get('x-c2c-source'), agentBody: await agent.text(),
                apiSource: api.headers.get('x-c2c-source'), api: await api.json(),
                postSource: post.headers.get('x-c2c-source'), post: await post.text(),
                rangeSource: range.headers.get('x-c2c-source'), rangeStatus: range.status,
              });
            })().catch(e => done('ERROR ' + e));
            """;

    @Test
    void deepLinkNavigationBackForwardReloadAndPassThrough() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shell-");
        Path assets = Path.of("../signaling-service/src/main/resources/META-INF/resources").toAbsolutePath().normalize();
        try (ShellTestSite site = new ShellTestSite(assets);
             HeadlessChromium browser = HeadlessChromium.start(dir.resolve("browser"))) {
            // deep link: the server answers the top-level navigation with the shell, which renders the same path
            browser.open(site.url() + "/about.html");
            JsonNode about = waitPage(browser, "About", false);
            assertEquals("/about.html", about.path("path").asText(), about.toString());
            assertEquals(1, site.hits("shell:/about.html"), site.allHits().toString());
            assertEquals(1, site.hits("bootstrap"), site.allHits().toString());
            assertEquals("controlled", browser.executeAsync(WAIT_CONTROLLED, STEP).asText());

            // a link inside the frame: the page and its script come through worker → agent → origin proxy
            browser.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
            JsonNode contact = waitPage(browser, "Contact", false);
            assertEquals("/contact.html", contact.path("path").asText(), contact.toString());
            assertTrue(contact.path("controlled").asBoolean(), contact.toString());
            assertEquals(1, site.hits("origin:/contact.html"), site.allHits().toString());
            assertEquals(0, site.hits("direct:/contact.html"), "a manifest page never bypasses the agent: " + site.allHits());
            assertEquals(0, site.hits("shell:/contact.html"), site.allHits().toString());

            int appFromOrigin = site.hits("origin:/app.js");
            JsonNode fetched = browser.executeAsync(FETCHES, STEP);
            assertTrue(fetched.isObject(), fetched.toString());
            // app.js is held whole by now: the agent answers from its store (re-verified), not from the origin
            assertEquals("cache", fetched.path("agentSource").asText(), fetched.toString());
            assertEquals(appFromOrigin, site.hits("origin:/app.js"), site.allHits().toString());
            assertTrue(fetched.path("agentBody").asText().contains("appRuns"), fetched.toString());
            assertTrue(fetched.path("apiSource").isNull(), "non-manifest GET passes through: " + fetched);
            assertEquals(1, fetched.path("api").path("n").asInt(), fetched.toString());
            assertTrue(fetched.path("postSource").isNull(), "POST passes through: " + fetched);
            assertEquals("ping", fetched.path("post").asText(), fetched.toString());
            assertTrue(fetched.path("rangeSource").isNull(), "range request passes through: " + fetched);
            assertTrue(site.hits("direct:/api/data.json") >= 1 && site.hits("direct:/api/echo") >= 1, site.allHits().toString());
            assertTrue(site.hits("direct:/app.js") >= 1, "the range request reached the server itself: " + site.allHits());

            // back and forward move the frame and the top-level URL follows
            browser.execute("history.back();");
            assertEquals("/about.html", waitPage(browser, "About", false).path("path").asText());
            browser.execute("history.forward();");
            assertEquals("/contact.html", waitPage(browser, "Contact", false).path("path").asText());

            // reload: the worker answers the top-level navigation with the cached shell, which reopens the same page
            browser.execute("window.__before = 1; setTimeout(() => location.reload(), 0);");
            JsonNode reloaded = waitPage(browser, "Contact", true);
            assertEquals("/contact.html", reloaded.path("path").asText(), reloaded.toString());
            assertEquals(0, site.hits("shell:/contact.html"), "shell came from the worker's cache: " + site.allHits());
            assertFalse(reloaded.has("timeout"), reloaded.toString());
        }
    }
}
