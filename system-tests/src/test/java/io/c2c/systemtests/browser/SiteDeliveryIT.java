package io.c2c.systemtests.browser;

import static io.c2c.systemtests.browser.SitePages.STEP;
import static io.c2c.systemtests.browser.SitePages.await;
import static io.c2c.systemtests.browser.SitePages.awaitChannelBytes;
import static io.c2c.systemtests.browser.SitePages.awaitJson;
import static io.c2c.systemtests.browser.SitePages.connectionStats;
import static io.c2c.systemtests.browser.SitePages.fetchInFrame;
import static io.c2c.systemtests.browser.SitePages.fetched;
import static io.c2c.systemtests.browser.SitePages.snapshot;
import static io.c2c.systemtests.browser.SitePages.startFetchInFrame;
import static io.c2c.systemtests.browser.SitePages.waitPage;
import static io.c2c.systemtests.browser.SitePlatform.UPLOAD_CAP;
import static io.c2c.systemtests.browser.SitePlatform.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 7 end to end on the real platform ({@link SitePlatform}: packaged signaling-service, discovery-service and
 * relay-service with the harness's Redis and Kafka, a real origin with a small multi-page site), the site registered
 * through the owner API, proven through DNS TXT and collected; then separate headless Chromium processes visit
 * {@code http://demo-site.test:<port>/} (Chromium maps the name to 127.0.0.1 and treats that origin as secure, since
 * service workers and Web Crypto need a secure context).
 *
 * <p>Browser A gets the site from the origin proxy and announces it; discovery learns it through Kafka. Browser B
 * gets the same pages and a three-chunk file from A over a data channel: proven by B's agent counters, the
 * {@code x-c2c-source} of the response and the RTCPeerConnection's stats, with bytes identical to the origin's. Then
 * A is closed while it serves a twelve-chunk file to B, and B finishes from the origin. Last, a third browser opens
 * a deep link on the real front door and navigates: link, back, forward, reload. Last, a second signaling pod of
 * the same platform, configured for relay-only agents, serves a second site: its second visitor gets the files from
 * the first through relay-service's TURN server (selected pair relay on both ends).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SiteDeliveryIT {

    private static final String DOMAIN = "demo-site.test";
    /** A second site, served through the platform's second signaling pod whose agents connect only through TURN. */
    private static final String RELAY_DOMAIN = "relay-site.test";
    private static final Map<String, byte[]> FILES = SitePlatform.FILES;

    private static SitePlatform platform;
    private static SitePlatform.Site site;
    private static SitePlatform.Site relaySite;

    @BeforeAll
    static void registerTheSites() throws Exception {
        platform = SitePlatform.get();
        site = platform.register(DOMAIN);
        relaySite = platform.registerOnRelayOnlyPod(RELAY_DOMAIN);
    }

    @Test
    @Order(1)
    void secondVisitorGetsTheSiteFromTheFirstAndFinishesFromTheOriginWhenTheFirstLeaves() throws Exception {
        List<String> flags = site.chromiumFlags();
        HeadlessChromium a = chromium("a", flags);
        boolean aClosed = false;
        try (HeadlessChromium b = chromium("b", flags)) {
            // A: nobody holds anything yet, so the home page and the gallery (with data.bin) come from the origin proxy.
            a.open(site.url() + "/");
            waitPage(a, "Home");
            String aPeer = await(a, "window.__c2c && window.__c2c.peerId");
            a.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
            waitPage(a, "Gallery");
            JsonNode aLoaded = awaitJson(a, "document.getElementById('c2c-site').contentWindow.loaded");
            assertEquals(sha(FILES.get("/data.bin")), aLoaded.path("sha").asText(), aLoaded.toString());
            assertEquals("origin", aLoaded.path("source").asText(), aLoaded.toString());
            JsonNode aStats = snapshot(a);
            assertEquals(0, aStats.path("bytesFromPeers").asLong(), aStats.toString());
            assertTrue(aStats.path("bytesFromOrigin").asLong() >= FILES.get("/data.bin").length, aStats.toString());

            // A's have → signaling → Kafka peer-events → discovery's index
            for (String path : List.of("/gallery.html", "/data.bin", "/app.js")) {
                platform.awaitHolder(site.siteId(), sha(FILES.get(path)), aPeer);
            }

            // B: the same pages come from A over a data channel, verified, bytes equal to the origin's
            b.open(site.url() + "/");
            waitPage(b, "Home");
            String bPeer = await(b, "window.__c2c && window.__c2c.peerId");
            assertNotEquals(aPeer, bPeer);
            JsonNode bBefore = snapshot(b);
            b.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
            waitPage(b, "Gallery");
            JsonNode bLoaded = awaitJson(b, "document.getElementById('c2c-site').contentWindow.loaded");
            assertEquals(sha(FILES.get("/data.bin")), bLoaded.path("sha").asText(), "B's bytes equal the origin's: " + bLoaded);
            assertEquals("peers", bLoaded.path("source").asText(), bLoaded.toString());
            JsonNode bAfter = snapshot(b);
            long fromPeers = bAfter.path("bytesFromPeers").asLong() - bBefore.path("bytesFromPeers").asLong();
            long fromOrigin = bAfter.path("bytesFromOrigin").asLong() - bBefore.path("bytesFromOrigin").asLong();
            long galleryAndData = FILES.get("/gallery.html").length + FILES.get("/data.bin").length;
            assertEquals(galleryAndData, fromPeers, "gallery.html and data.bin from A: " + bAfter);
            assertEquals(0, fromOrigin, "nothing from the origin: " + bAfter);
            assertTrue(bAfter.path("connectionsByType").path("host").asInt() >= 1, bAfter.toString());
            JsonNode connection = connectionStats(b, aPeer);
            assertEquals("connected", connection.path("state").asText(), connection.toString());
            assertEquals("host", connection.path("local").asText(), connection.toString());
            assertEquals("127.0.0.1", connection.path("localAddress").asText(), connection.toString());
            assertTrue(connection.path("channelBytesReceived").asLong() >= FILES.get("/data.bin").length, connection.toString());
            assertTrue(connection.path("pairBytesReceived").asLong() >= FILES.get("/data.bin").length, connection.toString());
            aStats = snapshot(a);
            assertTrue(aStats.path("upload").path("bytesServed").asLong() >= galleryAndData, aStats.toString());

            // A takes big.bin from the origin and announces it; B starts getting it from A, and A's browser is closed
            // while the owner's upload cap (512 KiB/s) still paces the transfer: B finishes from the origin.
            startFetchInFrame(a, "/big.bin");
            JsonNode aBig = fetched(a, "/big.bin");
            assertEquals("origin", aBig.path("source").asText(), aBig.toString());
            platform.awaitHolder(site.siteId(), sha(FILES.get("/big.bin")), aPeer);
            int servedBefore = snapshot(a).path("upload").path("chunksServed").asInt();
            JsonNode bBig0 = snapshot(b);
            long channelBefore = connectionStats(b, aPeer).path("channelBytesReceived").asLong();
            startFetchInFrame(b, "/big.bin");
            // B has received two chunks' worth from A (its own channel's figure, not A's send count): close A now
            awaitChannelBytes(b, aPeer, channelBefore + 2L * 256 * 1024);
            assertTrue(snapshot(a).path("upload").path("chunksServed").asInt() < servedBefore + 12,
                    "A is still serving when it is closed: " + snapshot(a));
            a.close();
            aClosed = true;
            JsonNode bBig = fetched(b, "/big.bin");
            assertEquals(sha(FILES.get("/big.bin")), bBig.path("sha").asText(), "B's bytes after A left: " + bBig);
            assertEquals(200, bBig.path("status").asInt(), bBig.toString());
            assertEquals("mixed", bBig.path("source").asText(), "part from A, the rest from the origin: " + bBig);
            JsonNode bBig1 = snapshot(b);
            assertTrue(bBig1.path("bytesFromPeers").asLong() > bBig0.path("bytesFromPeers").asLong(), bBig1.toString());
            assertTrue(bBig1.path("bytesFromOrigin").asLong() > bBig0.path("bytesFromOrigin").asLong(), bBig1.toString());
            assertFalse(b.execute("return window.__c2c.peers.has(arguments[0]);", aPeer).asBoolean(),
                    "A is no longer in B's pool: " + bBig1);

            // B turns liar: its stored chunk 1 of data.bin is corrupted. D gets the gallery: it detects the bad
            // chunk, drops and reports B, and still ends with the origin's bytes; signaling counts the report and
            // discovery (report threshold 1 here) stops naming B.
            assertEquals("ok", b.executeAsync("""
                    const [key, done] = arguments;
                    const store = window.__c2c.store;
                    store.backend.get(key).then((bytes) => { bytes[5] ^= 0xff; return store.backend.put(key, bytes); })
                        .then(() => done('ok'), (e) => done('ERROR ' + e));
                    """, STEP, sha(FILES.get("/data.bin")) + "/1").asText());
            double reportsBefore = platform.metric(platform.signaling, "c2c_signaling_reports_total{outcome=\"accepted\",reason=\"chunk-hash\"}");
            try (HeadlessChromium d = chromium("d", flags)) {
                d.open(site.url() + "/");
                waitPage(d, "Home");
                await(d, "window.__c2c && window.__c2c.peerId");
                d.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
                waitPage(d, "Gallery");
                JsonNode dLoaded = awaitJson(d, "document.getElementById('c2c-site').contentWindow.loaded");
                assertEquals(sha(FILES.get("/data.bin")), dLoaded.path("sha").asText(), "D still gets the right bytes: " + dLoaded);
                JsonNode dStats = snapshot(d);
                JsonNode bad = dStats.path("badPeers");
                assertEquals(1, bad.size(), dStats.toString());
                assertEquals(bPeer, bad.path(0).path("peerId").asText(), dStats.toString());
                assertEquals("chunk-hash", bad.path(0).path("reason").asText(), dStats.toString());
                assertEquals(1, dStats.path("reported").asInt(), dStats.toString());
                assertTrue(dStats.path("bytesFromPeers").asLong() > 0, "D got the gallery page and good chunks from B: " + dStats);
                assertTrue(dStats.path("bytesFromOrigin").asLong() >= 256 * 1024, "the origin filled in: " + dStats);
                assertFalse(d.execute("return window.__c2c.peers.has(arguments[0]);", bPeer).asBoolean(), dStats.toString());
            }
            platform.awaitMetric(platform.signaling, "c2c_signaling_reports_total{outcome=\"accepted\",reason=\"chunk-hash\"}", reportsBefore + 1);
            platform.awaitNotHolder(site.siteId(), sha(FILES.get("/data.bin")), bPeer);
        } finally {
            if (!aClosed) {
                a.close();
            }
        }
    }

    @Test
    @Order(2)
    void deepLinkLinkBackForwardAndReloadOnTheRealFrontDoor() throws Exception {
        try (HeadlessChromium c = chromium("c", site.chromiumFlags())) {
            // first visit, deep link: the front door answers the navigation with the shell, which shows the page
            c.open(site.url() + "/about.html");
            JsonNode about = waitPage(c, "About");
            assertEquals("/about.html", about.path("path").asText(), about.toString());
            // the owner's Global Privacy Control setting reaches the agent, which reads the real navigator at each decision
            JsonNode gpc = c.execute("""
                    const agent = window.__c2c;
                    const before = agent.policy.decide();
                    Object.defineProperty(navigator, 'globalPrivacyControl', {value: true, configurable: true});
                    const after = agent.policy.decide();
                    delete navigator.globalPrivacyControl;
                    return {setting: agent.settings.globalPrivacyControl, before, after};
                    """);
            assertEquals("no-upload", gpc.path("setting").asText(), gpc.toString());
            assertTrue(gpc.path("before").path("allowed").asBoolean(), gpc.toString());
            assertEquals(UPLOAD_CAP, gpc.path("before").path("capBytesPerSecond").asInt(), gpc.toString());
            assertFalse(gpc.path("after").path("allowed").asBoolean(), gpc.toString());
            assertEquals("gpc", gpc.path("after").path("reason").asText(), gpc.toString());
            c.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
            assertEquals("/contact.html", waitPage(c, "Contact").path("path").asText());
            c.execute("history.back();");
            assertEquals("/about.html", waitPage(c, "About").path("path").asText());
            c.execute("history.forward();");
            assertEquals("/contact.html", waitPage(c, "Contact").path("path").asText());
            // reload: the worker answers with its cached shell, which reopens the same page (a fresh document)
            c.execute("window.__before = 1; setTimeout(() => location.reload(), 0);");
            JsonNode reloaded = waitPage(c, "Contact", true);
            assertEquals("/contact.html", reloaded.path("path").asText(), reloaded.toString());
            JsonNode fetched = fetchInFrame(c, "/style.css");
            assertTrue(List.of("cache", "peers", "origin", "mixed").contains(fetched.path("source").asText()),
                    "manifest files keep coming through the agent after a reload: " + fetched);
        }
    }

    @Test
    @Order(3)
    void withRelayOnlyAgentsTheSecondVisitorGetsTheFilesThroughOurTurnServer() throws Exception {
        List<String> flags = relaySite.chromiumFlags();
        try (HeadlessChromium e = chromium("e", flags);
             HeadlessChromium f = chromium("f", flags)) {
            e.open(relaySite.url() + "/");
            waitPage(e, "Home");
            String ePeer = await(e, "window.__c2c && window.__c2c.peerId");
            assertEquals("relay", e.execute("return window.__c2c.options.iceTransportPolicy;").asText(),
                    "the pod's agent setting reaches the shell");
            assertTrue(e.execute("return JSON.stringify(window.__c2c.iceServers);").asText().contains("turn:127.0.0.1:"),
                    "welcome carries relay-service's TURN server");
            e.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
            waitPage(e, "Gallery");
            assertEquals("origin", awaitJson(e, "document.getElementById('c2c-site').contentWindow.loaded").path("source").asText());
            platform.awaitHolder(relaySite.siteId(), sha(FILES.get("/data.bin")), ePeer);

            f.open(relaySite.url() + "/");
            waitPage(f, "Home");
            await(f, "window.__c2c && window.__c2c.peerId");
            JsonNode before = snapshot(f);
            f.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
            waitPage(f, "Gallery");
            JsonNode loaded = awaitJson(f, "document.getElementById('c2c-site').contentWindow.loaded");
            assertEquals(sha(FILES.get("/data.bin")), loaded.path("sha").asText(), loaded.toString());
            assertEquals("peers", loaded.path("source").asText(), loaded.toString());
            JsonNode after = snapshot(f);
            assertEquals(0, after.path("bytesFromOrigin").asLong() - before.path("bytesFromOrigin").asLong(), after.toString());
            assertTrue(after.path("connectionsByType").path("relay").asInt() >= 1, after.toString());
            assertEquals(0, after.path("connectionsByType").path("host").asInt(), after.toString());
            JsonNode connection = connectionStats(f, ePeer);
            assertEquals("relay", connection.path("local").asText(), connection.toString());
            assertEquals("relay", connection.path("remote").asText(), connection.toString());
            assertTrue(connection.path("channelBytesReceived").asLong() >= FILES.get("/data.bin").length, connection.toString());
        }
    }

    @Test
    @Order(4)
    void theOwnerStatusPageShowsWhatVisitorsReportedInARealBrowser() throws Exception {
        List<String> flags = site.chromiumFlags();
        try (HeadlessChromium visitor = chromium("v", flags);
             HeadlessChromium owner = chromium("o", flags)) {
            visitor.open(site.url() + "/");
            waitPage(visitor, "Home");
            await(visitor, "window.__c2c && window.__c2c.peerId");
            fetchInFrame(visitor, "/data.bin");
            JsonNode seen = snapshot(visitor);
            long fetched = seen.path("bytesFromPeers").asLong() + seen.path("bytesFromOrigin").asLong();
            assertTrue(fetched >= FILES.get("/data.bin").length, seen.toString());
            // the agent's own reporter, now rather than at its 30 s tick
            visitor.execute("window.__c2c.reporter.report();");
            String statsPath = "/api/v1/sites/" + site.siteId() + "/stats?minutes=60";
            String ownerKey = platform.ownerKey();
            JsonNode stats = platform.api("GET", statsPath, ownerKey, null, 200);
            long deadline = System.nanoTime() + STEP.toNanos();
            while (totalBytes(stats) < fetched || stats.path("peersOnline").asInt() < 1) {
                assertTrue(System.nanoTime() < deadline, "the report never reached the owner's figures: " + stats);
                Thread.sleep(250);
                stats = platform.api("GET", statsPath, ownerKey, null, 200);
            }

            // the owner's page on the platform's own host: key, site list, cards, chart
            owner.open(platform.signaling.url() + "/c2c/owner/status.html");
            await(owner, "document.getElementById('login')");
            owner.execute("document.getElementById('key').value = arguments[0]; document.getElementById('login').requestSubmit();",
                    ownerKey);
            await(owner, "[...document.getElementById('site').options].some((o) => o.value === '" + site.siteId() + "')");
            owner.execute("const s = document.getElementById('site'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
                    site.siteId());
            JsonNode shown = null;
            JsonNode expected = null;
            deadline = System.nanoTime() + STEP.toNanos();
            while (System.nanoTime() < deadline) {
                shown = owner.execute(OWNER_CARDS);
                stats = platform.api("GET", statsPath, ownerKey, null, 200);
                // the figures the page draws are the API's, formatted by the page's own function
                expected = owner.executeAsync(FORMAT_BYTES, STEP,
                        stats.path("totals").path("peerBytes").asLong(), stats.path("totals").path("originBytes").asLong());
                if (shown.path("bars").asInt() > 0 && shown.path("origin").equals(expected.path("origin"))
                        && shown.path("peers").equals(expected.path("peers")) && !"–".equals(shown.path("online").asText())) {
                    break;
                }
                Thread.sleep(500);
                owner.execute("document.getElementById('minutes').dispatchEvent(new Event('change'));");
            }
            assertEquals("", shown.path("error").asText(), shown.toString());
            assertEquals(expected.path("origin").asText(), shown.path("origin").asText(), shown + " vs " + stats);
            assertEquals(expected.path("peers").asText(), shown.path("peers").asText(), shown + " vs " + stats);
            assertTrue(shown.path("originBars").asInt() >= 1, "the chart has the origin's bytes: " + shown);
            assertTrue(Integer.parseInt(shown.path("online").asText()) >= 1, "the visitor is online: " + shown);
            assertTrue(shown.path("share").asText().endsWith("%"), shown.toString());
        }
    }

    /** What the owner's status page shows: its cards and the number of bars in its chart. */
    private static final String OWNER_CARDS = """
            const $ = (id) => document.getElementById(id);
            return {online: $('online').textContent, share: $('share').textContent, peers: $('peerBytes').textContent,
                origin: $('originBytes').textContent, bars: document.querySelectorAll('#chart rect').length,
                originBars: document.querySelectorAll('#chart rect.origin').length, error: $('error').textContent};
            """;

    /** Formats two byte counts with the status page's own formatBytes. */
    private static final String FORMAT_BYTES = """
            const [peer, origin, done] = arguments;
            import('/c2c/owner/status.js').then((m) => done({peers: m.formatBytes(peer), origin: m.formatBytes(origin)}),
                (e) => done({error: String(e)}));
            """;

    private static long totalBytes(JsonNode stats) {
        return stats.path("totals").path("peerBytes").asLong() + stats.path("totals").path("originBytes").asLong();
    }

    private static HeadlessChromium chromium(String name, List<String> flags) throws Exception {
        // a directory of its own per start: a rerun of a failed test gets fresh profiles
        return HeadlessChromium.start(java.nio.file.Files.createTempDirectory(platform.dir, name + "-"), flags);
    }
}
