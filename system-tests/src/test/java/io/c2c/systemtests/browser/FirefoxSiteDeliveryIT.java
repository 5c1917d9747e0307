package io.c2c.systemtests.browser;

import static io.c2c.systemtests.browser.SitePages.clickNext;
import static io.c2c.systemtests.browser.SitePages.connectionStats;
import static io.c2c.systemtests.browser.SitePages.fetchInFrame;
import static io.c2c.systemtests.browser.SitePages.fetched;
import static io.c2c.systemtests.browser.SitePages.galleryLoaded;
import static io.c2c.systemtests.browser.SitePages.peerId;
import static io.c2c.systemtests.browser.SitePages.snapshot;
import static io.c2c.systemtests.browser.SitePages.startFetchInFrame;
import static io.c2c.systemtests.browser.SitePages.waitPage;
import static io.c2c.systemtests.browser.SitePlatform.FILES;
import static io.c2c.systemtests.browser.SitePlatform.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 7's design in Firefox: the same real platform as {@link SiteDeliveryIT} ({@link SitePlatform}, shared in the
 * test JVM), a site of its own ({@code firefox-site.test}), and headless Firefox ESR driven over WebDriver BiDi
 * ({@link HeadlessFirefox}) next to headless Chromium.
 *
 * <p>A Firefox visitor is the first: the front door answers the shell, whose service worker and agent run, the pages
 * render in the frame and {@code data.bin} comes through worker → agent → origin proxy. A Chromium visitor then gets
 * the gallery and {@code data.bin} from the Firefox visitor over a data channel, and Firefox gets {@code big.bin}, which
 * only the Chromium visitor holds, from it: both directions proven by the agents' counters, {@code x-c2c-source} and
 * each side's {@code RTCPeerConnection.getStats()}, bytes equal to the origin's; then the Chromium visitor serves a
 * corrupted chunk and Firefox drops and reports it. A fresh Firefox, with Cache Storage refused as in a private
 * window, opens a deep link and navigates: link, back, forward, reload. Last, on a site of the relay-only pod, Firefox
 * gets the files from Chromium through relay-service's TURN server and finishes from the origin when Chromium leaves
 * mid-transfer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirefoxSiteDeliveryIT {

    private static final String DOMAIN = "firefox-site.test";
    private static final String REPORTS = "c2c_signaling_reports_total{outcome=\"accepted\",reason=\"chunk-hash\"}";
    /** A site of the platform's relay-only signaling pod: its agents connect only through relay-service's TURN server. */
    private static final String RELAY_DOMAIN = "firefox-relay.test";

    private static SitePlatform platform;
    private static SitePlatform.Site site;

    @BeforeAll
    static void registerTheSite() throws Exception {
        platform = SitePlatform.get();
        site = platform.register(DOMAIN);
    }

    @Test
    @Order(1)
    void firefoxFirstVisitorFromTheOriginThenFirefoxAndChromiumGetTheFilesFromEachOtherAndFirefoxDropsALiar() throws Exception {
        try (HeadlessFirefox firefox = firefox("firefox-a", true);
             HeadlessChromium chromium = HeadlessChromium.start(Files.createTempDirectory(platform.dir, "chromium-a-"),
                     site.chromiumFlags())) {
            // Firefox, first visitor: shell, worker and agent run; the pages and data.bin come from the origin proxy
            firefox.open(site.url() + "/");
            JsonNode home = waitPage(firefox, "Home");
            assertEquals("/", home.path("path").asText(), home + firefox.consoleTail());
            String firefoxPeer = peerId(firefox);
            clickNext(firefox);
            JsonNode gallery = waitPage(firefox, "Gallery");
            assertTrue(gallery.path("controlled").asBoolean(), "the worker controls the site frame: " + gallery);
            JsonNode firefoxLoaded = galleryLoaded(firefox);
            assertEquals(sha("/data.bin"), firefoxLoaded.path("sha").asText(), firefoxLoaded.toString());
            assertEquals("origin", firefoxLoaded.path("source").asText(), firefoxLoaded.toString());
            assertEquals("cache-storage", firefox.execute("return window.__c2c.store.backend.kind;").asText());
            JsonNode firefoxStats = snapshot(firefox);
            assertEquals(0, firefoxStats.path("bytesFromPeers").asLong(), firefoxStats.toString());
            assertTrue(firefoxStats.path("bytesFromOrigin").asLong() >= FILES.get("/data.bin").length, firefoxStats.toString());
            for (String path : List.of("/gallery.html", "/data.bin")) {
                platform.awaitHolder(site.siteId(), sha(path), firefoxPeer);
            }

            // Chromium gets the gallery and data.bin from Firefox over a data channel
            chromium.open(site.url() + "/");
            waitPage(chromium, "Home");
            String chromiumPeer = peerId(chromium);
            assertNotEquals(firefoxPeer, chromiumPeer);
            JsonNode chromiumBefore = snapshot(chromium);
            clickNext(chromium);
            waitPage(chromium, "Gallery");
            JsonNode chromiumLoaded = galleryLoaded(chromium);
            assertEquals(sha("/data.bin"), chromiumLoaded.path("sha").asText(), "Chromium's bytes equal the origin's: " + chromiumLoaded);
            assertEquals("peers", chromiumLoaded.path("source").asText(), chromiumLoaded.toString());
            JsonNode chromiumAfter = snapshot(chromium);
            long galleryAndData = FILES.get("/gallery.html").length + FILES.get("/data.bin").length;
            assertEquals(galleryAndData, chromiumAfter.path("bytesFromPeers").asLong() - chromiumBefore.path("bytesFromPeers").asLong(),
                    "gallery.html and data.bin from Firefox: " + chromiumAfter);
            assertEquals(0, chromiumAfter.path("bytesFromOrigin").asLong() - chromiumBefore.path("bytesFromOrigin").asLong(),
                    chromiumAfter.toString());
            JsonNode chromiumSide = connectionStats(chromium, firefoxPeer);
            assertEquals("connected", chromiumSide.path("state").asText(), chromiumSide.toString());
            assertEquals("host", chromiumSide.path("local").asText(), chromiumSide.toString());
            assertTrue(chromiumSide.path("channelBytesReceived").asLong() >= FILES.get("/data.bin").length, chromiumSide.toString());
            firefoxStats = snapshot(firefox);
            assertTrue(firefoxStats.path("upload").path("bytesServed").asLong() >= galleryAndData, firefoxStats.toString());
            JsonNode firefoxSide = connectionStats(firefox, chromiumPeer);
            assertEquals("host", firefoxSide.path("local").asText(), "Firefox's own view of the pair: " + firefoxSide);
            assertEquals("127.0.0.1", firefoxSide.path("localAddress").asText(), firefoxSide.toString());
            assertTrue(firefoxSide.path("pairBytesSent").asLong() >= FILES.get("/data.bin").length, firefoxSide.toString());

            // big.bin: nobody holds it, so Chromium gets it from the origin; then Firefox gets it from Chromium
            JsonNode chromiumBig = fetchInFrame(chromium, "/big.bin");
            assertEquals("origin", chromiumBig.path("source").asText(), chromiumBig.toString());
            platform.awaitHolder(site.siteId(), sha("/big.bin"), chromiumPeer);
            JsonNode firefoxBefore = snapshot(firefox);
            long channelBefore = connectionStats(firefox, chromiumPeer).path("pairBytesReceived").asLong();
            JsonNode firefoxBig = fetchInFrame(firefox, "/big.bin");
            assertEquals(sha("/big.bin"), firefoxBig.path("sha").asText(), "Firefox's bytes equal the origin's: " + firefoxBig);
            assertEquals("peers", firefoxBig.path("source").asText(), firefoxBig.toString());
            JsonNode firefoxAfter = snapshot(firefox);
            long big = FILES.get("/big.bin").length;
            assertEquals(big, firefoxAfter.path("bytesFromPeers").asLong() - firefoxBefore.path("bytesFromPeers").asLong(),
                    firefoxAfter.toString());
            assertEquals(0, firefoxAfter.path("bytesFromOrigin").asLong() - firefoxBefore.path("bytesFromOrigin").asLong(),
                    firefoxAfter.toString());
            assertTrue(firefoxAfter.path("connectionsByType").path("host").asInt() >= 1,
                    "the agent typed its connection from Firefox's getStats: " + firefoxAfter);
            JsonNode firefoxReceived = connectionStats(firefox, chromiumPeer);
            assertEquals("host", firefoxReceived.path("local").asText(), firefoxReceived.toString());
            assertTrue(firefoxReceived.path("pairBytesReceived").asLong() - channelBefore >= big,
                    "Firefox's selected pair received big.bin: " + firefoxReceived);
            assertTrue(snapshot(chromium).path("upload").path("bytesServed").asLong() >= big, snapshot(chromium).toString());

            // Chromium turns liar: its stored chunk 1 of data.bin is corrupted. Firefox drops its own copy and asks
            // again: it detects the bad chunk, drops and reports Chromium, and still ends with the origin's bytes.
            String dataHash = sha("/data.bin");
            assertEquals("ok", chromium.executeAsync("""
                    const [key, done] = arguments;
                    const store = window.__c2c.store;
                    store.backend.get(key).then((bytes) => { bytes[5] ^= 0xff; return store.backend.put(key, bytes); })
                        .then(() => done('ok'), (e) => done('ERROR ' + e));
                    """, SitePages.STEP, dataHash + "/1").asText());
            assertEquals("ok", firefox.executeAsync("""
                    const [hash, done] = arguments;
                    window.__c2c.store.evict(hash).then(() => done('ok'), (e) => done('ERROR ' + e));
                    """, SitePages.STEP, dataHash).asText());
            double reportsBefore = platform.metric(platform.signaling, REPORTS);
            JsonNode liedBefore = snapshot(firefox);
            JsonNode again = fetchInFrame(firefox, "/data.bin");
            assertEquals(dataHash, again.path("sha").asText(), "Firefox still gets the right bytes: " + again);
            JsonNode lied = snapshot(firefox);
            assertEquals(1, lied.path("badPeers").size(), lied.toString());
            assertEquals(chromiumPeer, lied.path("badPeers").path(0).path("peerId").asText(), lied.toString());
            assertEquals("chunk-hash", lied.path("badPeers").path(0).path("reason").asText(), lied.toString());
            assertEquals(1, lied.path("reported").asInt(), lied.toString());
            assertTrue(lied.path("bytesFromOrigin").asLong() - liedBefore.path("bytesFromOrigin").asLong() >= 256 * 1024,
                    "the origin filled in: " + lied);
            assertFalse(firefox.execute("return window.__c2c.peers.has(arguments[0]);", chromiumPeer).asBoolean(), lied.toString());
            platform.awaitMetric(platform.signaling, REPORTS, reportsBefore + 1);
        }
    }

    @Test
    @Order(2)
    void deepLinkLinkBackForwardAndReloadInFirefox() throws Exception {
        // Cache Storage refused, as in a private window: the agent keeps its chunks in memory and works on
        try (HeadlessFirefox firefox = firefox("firefox-nav", false)) {
            // first visit, deep link: the front door answers the navigation with the shell, which shows the page
            firefox.open(site.url() + "/about.html");
            JsonNode about = waitPage(firefox, "About");
            assertEquals("/about.html", about.path("path").asText(), about.toString());
            clickNext(firefox);
            assertEquals("/contact.html", waitPage(firefox, "Contact").path("path").asText());
            firefox.execute("history.back();");
            assertEquals("/about.html", waitPage(firefox, "About").path("path").asText());
            firefox.execute("history.forward();");
            assertEquals("/contact.html", waitPage(firefox, "Contact").path("path").asText());
            // reload: the worker answers with its cached shell, which reopens the same page (a fresh document)
            firefox.execute("window.__before = 1; setTimeout(() => location.reload(), 0);");
            JsonNode reloaded = waitPage(firefox, "Contact", true);
            assertEquals("/contact.html", reloaded.path("path").asText(), reloaded.toString());
            assertTrue(reloaded.path("controlled").asBoolean(), reloaded.toString());
            JsonNode fetched = fetchInFrame(firefox, "/data.bin");
            assertTrue(List.of("cache", "peers", "origin", "mixed").contains(fetched.path("source").asText()),
                    "manifest files keep coming through the agent after a reload: " + fetched);
            assertEquals(sha("/data.bin"), fetched.path("sha").asText(), fetched.toString());
            assertEquals("memory", firefox.execute("return window.__c2c.store.backend.kind;").asText(),
                    "Cache Storage refused: the fallback holds the chunks");
            JsonNode again = fetchInFrame(firefox, "/data.bin");
            assertEquals("cache", again.path("source").asText(), "held in memory and served from there: " + again);
            assertEquals(sha("/data.bin"), again.path("sha").asText(), again.toString());
        }
    }

    @Test
    @Order(3)
    void withRelayOnlyAgentsFirefoxGetsTheFilesFromChromiumThroughOurTurnServerAndFinishesFromTheOriginWhenItLeaves()
            throws Exception {
        SitePlatform.Site relaySite = platform.registerOnRelayOnlyPod(RELAY_DOMAIN);
        try (HeadlessChromium chromium = HeadlessChromium.start(Files.createTempDirectory(platform.dir, "chromium-relay-"),
                relaySite.chromiumFlags());
             HeadlessFirefox firefox = firefox("firefox-relay", relaySite, true)) {
            chromium.open(relaySite.url() + "/");
            waitPage(chromium, "Home");
            String chromiumPeer = peerId(chromium);
            clickNext(chromium);
            waitPage(chromium, "Gallery");
            assertEquals("origin", galleryLoaded(chromium).path("source").asText());
            platform.awaitHolder(relaySite.siteId(), sha("/data.bin"), chromiumPeer);

            firefox.open(relaySite.url() + "/");
            waitPage(firefox, "Home");
            peerId(firefox);
            assertEquals("relay", firefox.execute("return window.__c2c.options.iceTransportPolicy;").asText());
            JsonNode before = snapshot(firefox);
            clickNext(firefox);
            waitPage(firefox, "Gallery");
            JsonNode loaded = galleryLoaded(firefox);
            assertEquals(sha("/data.bin"), loaded.path("sha").asText(), loaded.toString());
            assertEquals("peers", loaded.path("source").asText(), loaded + firefox.consoleTail());
            JsonNode after = snapshot(firefox);
            assertEquals(0, after.path("bytesFromOrigin").asLong() - before.path("bytesFromOrigin").asLong(), after.toString());
            assertTrue(after.path("connectionsByType").path("relay").asInt() >= 1, after.toString());
            assertEquals(0, after.path("connectionsByType").path("host").asInt(), after.toString());
            JsonNode connection = connectionStats(firefox, chromiumPeer);
            assertEquals("relay", connection.path("local").asText(), "Firefox's own TURN allocation: " + connection);
            assertEquals("relay", connection.path("remote").asText(), connection.toString());
            assertTrue(connection.path("pairBytesReceived").asLong() >= FILES.get("/data.bin").length, connection.toString());

            // Chromium takes big.bin from the origin; Firefox starts getting it from Chromium (paced by the owner's
            // 512 KiB/s cap) and Chromium's browser is closed mid-transfer: Firefox finishes from the origin.
            assertEquals("origin", fetchInFrame(chromium, "/big.bin").path("source").asText());
            platform.awaitHolder(relaySite.siteId(), sha("/big.bin"), chromiumPeer);
            JsonNode bigBefore = snapshot(firefox);
            int servedBefore = snapshot(chromium).path("upload").path("chunksServed").asInt();
            long pairBefore = connectionStats(firefox, chromiumPeer).path("pairBytesReceived").asLong();
            startFetchInFrame(firefox, "/big.bin");
            awaitPairBytes(firefox, chromiumPeer, pairBefore + 2L * 256 * 1024);
            assertTrue(snapshot(chromium).path("upload").path("chunksServed").asInt() < servedBefore + 12,
                    "Chromium is still serving when it is closed: " + snapshot(chromium));
            chromium.close();
            JsonNode big = fetched(firefox, "/big.bin");
            assertEquals(sha("/big.bin"), big.path("sha").asText(), "Firefox's bytes after Chromium left: " + big);
            assertEquals("mixed", big.path("source").asText(), "part from Chromium, the rest from the origin: " + big);
            JsonNode bigAfter = snapshot(firefox);
            assertTrue(bigAfter.path("bytesFromPeers").asLong() > bigBefore.path("bytesFromPeers").asLong(), bigAfter.toString());
            assertTrue(bigAfter.path("bytesFromOrigin").asLong() > bigBefore.path("bytesFromOrigin").asLong(), bigAfter.toString());
            assertFalse(firefox.execute("return window.__c2c.peers.has(arguments[0]);", chromiumPeer).asBoolean(),
                    "Chromium is no longer in Firefox's pool: " + bigAfter);
        }
    }

    /** Waits until Firefox's selected pair to the peer received {@code atLeast} bytes (its own figure, from getStats). */
    private static void awaitPairBytes(HeadlessBrowser browser, String peerId, long atLeast) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(40).toNanos();
        JsonNode stats = null;
        while (System.nanoTime() < deadline) {
            stats = connectionStats(browser, peerId);
            if (stats.path("pairBytesReceived").asLong() >= atLeast) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the connection never received " + atLeast + " bytes: " + stats);
    }

    private static HeadlessFirefox firefox(String name, boolean withCacheStorage) throws Exception {
        return firefox(name, site, withCacheStorage);
    }

    private static HeadlessFirefox firefox(String name, SitePlatform.Site of, boolean withCacheStorage) throws Exception {
        // a directory of its own per start: a rerun of a failed test gets a fresh profile
        return HeadlessFirefox.start(Files.createTempDirectory(platform.dir, name + "-"), of.firefoxPrefs(withCacheStorage));
    }
}
