package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * What the site-delivery tests do and read in a visitor's shell page, in any {@link HeadlessBrowser}: wait for a page
 * in the site frame, fetch through the frame (so through the service worker), read the agent's figures and a peer
 * connection's {@code getStats()}. Every wait is a bounded poll of a condition.
 */
final class SitePages {

    static final Duration STEP = Duration.ofSeconds(45);

    /** Polls a JavaScript expression in the top document until it is truthy (bounded), and returns its value. */
    private static final String AWAIT = """
            const [expression, limitMs, done] = arguments;
            const started = Date.now();
            (function poll() {
              let value;
              try { value = eval(expression); } catch (e) { value = undefined; }
              if (value) return done(value);
              if (Date.now() - started > limitMs) return done('TIMEOUT waiting for ' + expression);
              setTimeout(poll, 50);
            })();
            """;

    /** Fetches a path from inside the site frame (so through the service worker) and records size, hash and source. */
    static final String FRAME_FETCH = """
            const [path] = arguments;
            window.__fetched = window.__fetched || {};
            window.__fetched[path] = null;
            const w = document.getElementById('c2c-site').contentWindow;
            w.fetch(path).then(async (r) => {
              const bytes = await r.arrayBuffer();
              const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
              window.__fetched[path] = {status: r.status, source: r.headers.get('x-c2c-source'), size: bytes.byteLength,
                  sha: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')};
            }, (e) => { window.__fetched[path] = {error: String(e)}; });
            """;

    /**
     * The agent's connection to a peer: selected pair and data-channel figures from getStats(). Chromium names the
     * selected pair in its transport stats; Firefox has none and flags the pair itself ({@code selected}).
     */
    private static final String CONNECTION_STATS = """
            const [peerId, done] = arguments;
            const entry = window.__c2c.peers.get(peerId);
            if (!entry) return done({missing: [...window.__c2c.peers.keys()]});
            entry.pc.getStats().then((report) => {
              let pair = null, channel = null;
              report.forEach((s) => {
                if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
                if (s.type === 'data-channel' && s.label === 'c2c-dc.v1') channel = s;
              });
              if (!pair) report.forEach((s) => { if (s.type === 'candidate-pair' && s.selected) pair = s; });
              const local = pair && report.get(pair.localCandidateId);
              const remote = pair && report.get(pair.remoteCandidateId);
              done({state: entry.pc.connectionState, local: local && local.candidateType, remote: remote && remote.candidateType,
                  localAddress: local && local.address, pairBytesReceived: pair && pair.bytesReceived,
                  pairBytesSent: pair && pair.bytesSent, channelBytesReceived: channel && channel.bytesReceived,
                  channelBytesSent: channel && channel.bytesSent, channelState: channel && channel.state});
            }, (e) => done({error: String(e)}));
            """;

    private SitePages() {
    }

    static JsonNode connectionStats(HeadlessBrowser browser, String peerId) throws Exception {
        return browser.executeAsync(CONNECTION_STATS, STEP, peerId);
    }

    /** Clicks the page's {@code #next} link inside the site frame. */
    static void clickNext(HeadlessBrowser browser) throws Exception {
        browser.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
    }

    /** What the gallery's script loaded ({@code data.bin}): source, size, SHA-256. */
    static JsonNode galleryLoaded(HeadlessBrowser browser) throws Exception {
        return awaitJson(browser, "document.getElementById('c2c-site').contentWindow.loaded");
    }

    static void awaitChannelBytes(HeadlessBrowser browser, String peerId, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        JsonNode stats = null;
        while (System.nanoTime() < deadline) {
            stats = connectionStats(browser, peerId);
            if (stats.path("channelBytesReceived").asLong() >= atLeast) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the data channel never carried " + atLeast + " bytes: " + stats);
    }

    /** Starts a fetch of {@code path} in the site frame (see {@link #fetched}). */
    static void startFetchInFrame(HeadlessBrowser browser, String path) throws Exception {
        browser.execute(FRAME_FETCH, path);
    }

    /** The result of the fetch started by {@link #startFetchInFrame}, once it is there. */
    static JsonNode fetched(HeadlessBrowser browser, String path) throws Exception {
        return awaitJson(browser, "window.__fetched['" + path + "']");
    }

    static JsonNode fetchInFrame(HeadlessBrowser browser, String path) throws Exception {
        startFetchInFrame(browser, path);
        return fetched(browser, path);
    }

    static JsonNode snapshot(HeadlessBrowser browser) throws Exception {
        return browser.execute("return JSON.parse(JSON.stringify(window.__c2c.snapshot()));");
    }

    /** The agent's peer id, once signaling welcomed it. */
    static String peerId(HeadlessBrowser browser) throws Exception {
        return await(browser, "window.__c2c && window.__c2c.peerId");
    }

    static String await(HeadlessBrowser browser, String expression) throws Exception {
        JsonNode value = browser.executeAsync(AWAIT, STEP, expression, 40_000);
        assertFalse(value.isTextual() && value.asText().startsWith("TIMEOUT"), value.asText());
        return value.asText();
    }

    static JsonNode awaitJson(HeadlessBrowser browser, String expression) throws Exception {
        JsonNode value = browser.executeAsync(AWAIT, STEP, expression, 40_000);
        assertFalse(value.isTextual() && value.asText().startsWith("TIMEOUT"), value.asText());
        assertFalse(value.has("error"), value.toString());
        return value;
    }

    static JsonNode waitPage(HeadlessBrowser browser, String title) throws Exception {
        return waitPage(browser, title, false);
    }

    /** Waits for a page; retries while a navigation of the top document interrupts the script. */
    static JsonNode waitPage(HeadlessBrowser browser, String title, boolean fresh) throws Exception {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                JsonNode page = browser.executeAsync(ShellScripts.WAIT_PAGE, STEP, title, fresh, 30_000);
                assertFalse(page.has("timeout"), "page " + title + " did not show: " + page);
                return page;
            } catch (IllegalStateException navigating) {
                last = navigating;
                Thread.sleep(200);
            }
        }
        throw last;
    }
}
