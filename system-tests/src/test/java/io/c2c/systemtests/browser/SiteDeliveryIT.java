package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.c2c.testing.DemoOriginServer;
import io.c2c.testing.DnsTestServer;
import io.c2c.testing.FreePorts;
import io.c2c.testing.PackagedService;
import io.c2c.testing.TestInfrastructure;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 7 end to end on the real platform: packaged signaling-service, discovery-service and relay-service (with the
 * harness's Redis and Kafka), a real origin with a small multi-page site, the site registered through the owner API,
 * proven through DNS TXT ({@link DnsTestServer}) and collected; then separate headless Chromium processes visit
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(45);
    private static final Duration START = Duration.ofSeconds(150);
    private static final String DOMAIN = "demo-site.test";
    /** A second site, served through a second signaling pod whose agents connect only through TURN. */
    private static final String RELAY_DOMAIN = "relay-site.test";
    private static final String TURN_TOKEN = "site-delivery-it-token";
    private static final int UPLOAD_CAP = 512 * 1024;

    private static Path dir;
    private static DemoOriginServer origin;
    private static DnsTestServer dns;
    private static PackagedService discovery;
    private static PackagedService relay;
    private static PackagedService signaling;
    private static PackagedService relayOnlySignaling;
    private static String siteId;
    private static String siteUrl;
    private static String relaySiteId;
    private static String relaySiteUrl;
    private static String ownerKey;
    private static final Map<String, byte[]> FILES = new LinkedHashMap<>();

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
    private static final String FRAME_FETCH = """
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

    /** The agent's connection to a peer: selected pair and data-channel figures from getStats(). */
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
              const local = pair && report.get(pair.localCandidateId);
              const remote = pair && report.get(pair.remoteCandidateId);
              done({state: entry.pc.connectionState, local: local && local.candidateType, remote: remote && remote.candidateType,
                  localAddress: local && local.address, pairBytesReceived: pair && pair.bytesReceived,
                  channelBytesReceived: channel && channel.bytesReceived, channelState: channel && channel.state});
            }, (e) => done({error: String(e)}));
            """;


    @BeforeAll
    static void startPlatformAndRegisterTheSite() throws Exception {
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "site-delivery-");
        Path root = dir.resolve("origin");
        Files.createDirectories(root);
        page(root, "/", "index.html", "Home", "<a id=\"next\" href=\"/gallery.html\">Gallery</a>", "");
        page(root, "/gallery.html", "gallery.html", "Gallery", "<a id=\"next\" href=\"/\">Home</a>", " data-load=\"/data.bin\"");
        page(root, "/about.html", "about.html", "About", "<a id=\"next\" href=\"/contact.html\">Contact</a>", "");
        page(root, "/contact.html", "contact.html", "Contact", "<a id=\"next\" href=\"/about.html\">About</a>", "");
        file(root, "/app.js", "app.js", """
                window.appRuns = (window.appRuns || 0) + 1;
                const load = document.body.dataset.load;
                if (load) {
                  fetch(load).then(async (r) => {
                    const bytes = await r.arrayBuffer();
                    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
                    window.loaded = {source: r.headers.get('x-c2c-source'), size: bytes.byteLength,
                        sha: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')};
                  }, (e) => { window.loaded = {error: String(e)}; });
                }
                """.getBytes(StandardCharsets.UTF_8));
        file(root, "/style.css", "style.css", "body { font-family: sans-serif; }\n".getBytes(StandardCharsets.UTF_8));
        Random random = new Random(11);
        byte[] data = new byte[700 * 1024 + 123]; // three 256 KiB chunks, the last one short
        byte[] big = new byte[3 * 1024 * 1024]; // twelve chunks
        random.nextBytes(data);
        random.nextBytes(big);
        file(root, "/data.bin", "data.bin", data);
        file(root, "/big.bin", "big.bin", big);

        origin = DemoOriginServer.start(0, root);
        dns = DnsTestServer.start();
        String redis = TestInfrastructure.redis().uri();
        String kafka = TestInfrastructure.kafka().bootstrapServers();
        int discoveryPort = FreePorts.next();
        int relayPort = FreePorts.next();
        int signalingPort = FreePorts.next();
        int turnPort = FreePorts.next();
        int minRelayPort = 45000 + (int) (ProcessHandle.current().pid() % 1000);

        // The three services boot in parallel (each takes seconds on a loaded 2-core machine).
        CompletableFuture<PackagedService> discoveryStart = CompletableFuture.supplyAsync(() -> PackagedService.start(
                "discovery-service", discoveryPort, Map.of(), Map.of("kafka.bootstrap.servers", kafka,
                        // one report is enough here: the test has one victim
                        "c2c.discovery.index.report-threshold", "1"), dir, START));
        CompletableFuture<PackagedService> relayStart = CompletableFuture.supplyAsync(() -> PackagedService.start(
                "relay-service", relayPort, Map.of("C2C_TURN_SECRETS", "site-delivery-it-secret", "C2C_INTERNAL_TOKEN", TURN_TOKEN),
                Map.of("quarkus.redis.hosts", redis, "c2c.relay.listen-port", Integer.toString(turnPort),
                        "c2c.relay.public-address", "127.0.0.1", "c2c.relay.relay.allowed-peers", "127.0.0.1/32",
                        "c2c.relay.relay.min-port", Integer.toString(minRelayPort),
                        "c2c.relay.relay.max-port", Integer.toString(minRelayPort + 199)), dir, START));
        Map<String, String> signalingProperties = new LinkedHashMap<>();
        signalingProperties.put("quarkus.redis.hosts", redis);
        signalingProperties.put("kafka.bootstrap.servers", kafka);
        signalingProperties.put("c2c.signaling.discovery-url", "http://127.0.0.1:" + discoveryPort);
        signalingProperties.put("c2c.signaling.relay-url", "http://127.0.0.1:" + relayPort);
        signalingProperties.put("c2c.sites.api-hosts", "127.0.0.1");
        signalingProperties.put("c2c.sites.verify.dns-server", "127.0.0.1:" + dns.port());
        signalingProperties.put("c2c.sites.fetch.allowed-private-cidrs", "127.0.0.0/8");
        // Generous agent deadlines: on a loaded CI machine a peer connection may take seconds, and this test proves
        // where bytes come from, not how fast (the deadline policy itself is tested in Node with virtual time).
        signalingProperties.put("c2c.agent.connect-wait", "8s");
        signalingProperties.put("c2c.agent.connect-timeout", "15s");
        signalingProperties.put("c2c.agent.fetch-policy.first-chunk-deadline", "8s");
        signalingProperties.put("c2c.agent.fetch-policy.stall", "8s");
        signalingProperties.put("c2c.agent.fetch-policy.chunk-timeout", "8s");
        signalingProperties.put("c2c.agent.fetch-policy.deadline", "30s");
        CompletableFuture<PackagedService> signalingStart = CompletableFuture.supplyAsync(() -> PackagedService.start(
                "signaling-service", signalingPort, Map.of("C2C_SIGNALING_RELAY_TOKEN", TURN_TOKEN), signalingProperties, dir, START));
        // A second pod of the same platform (same Redis, Kafka, registry) whose shells connect only through TURN.
        int relayOnlyPort = FreePorts.next();
        Map<String, String> relayOnlyProperties = new LinkedHashMap<>(signalingProperties);
        relayOnlyProperties.put("c2c.agent.ice-transport-policy", "relay");
        CompletableFuture<PackagedService> relayOnlyStart = CompletableFuture.supplyAsync(() -> PackagedService.start(
                "signaling-service", relayOnlyPort, Map.of("C2C_SIGNALING_RELAY_TOKEN", TURN_TOKEN), relayOnlyProperties, dir, START));
        discovery = discoveryStart.join();
        relay = relayStart.join();
        signaling = signalingStart.join();
        relayOnlySignaling = relayOnlyStart.join();
        siteUrl = "http://" + DOMAIN + ":" + signalingPort;
        relaySiteUrl = "http://" + RELAY_DOMAIN + ":" + relayOnlyPort;

        // The owner's flow: account, site, DNS proof, collect.
        JsonNode owner = api("POST", "/api/v1/owners", null, "{\"name\":\"Site Delivery IT\"}", 201);
        ownerKey = owner.path("apiKey").asText();
        siteId = registerVerifyAndCollect(ownerKey, DOMAIN);
        relaySiteId = registerVerifyAndCollect(ownerKey, RELAY_DOMAIN);
        awaitBootstrap(relayOnlySignaling, RELAY_DOMAIN); // the second pod learns the site from the registry topic
    }

    private static String registerVerifyAndCollect(String key, String domain) throws Exception {
        JsonNode site = api("POST", "/api/v1/sites", key, JSON.writeValueAsString(Map.of(
                "domains", List.of(domain), "origin", origin.url(),
                "settings", Map.of("p2pEnabled", true, "uploadCapBytesPerSecond", UPLOAD_CAP, "maxP2pFileBytes", 64 * 1024 * 1024))), 201);
        String id = site.path("siteId").asText();
        JsonNode challenge = site.path("domains").path(0).path("challenge");
        dns.txt(challenge.path("dnsName").asText(), challenge.path("token").asText());
        JsonNode verified = api("POST", "/api/v1/sites/" + id + "/verify", key, null, 200);
        assertTrue(verified.path("site").path("domains").path(0).path("verified").asBoolean(), verified.toString());
        JsonNode collected = api("POST", "/api/v1/sites/" + id + "/collect", key,
                JSON.writeValueAsString(Map.of("paths", new ArrayList<>(FILES.keySet()))), 200);
        assertTrue(collected.path("published").asBoolean(), collected.toString());
        assertEquals(FILES.size(), collected.path("filesCollected").asInt(), collected.toString());
        return id;
    }

    private static void awaitBootstrap(PackagedService pod, String domain) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            // a raw request: java.net.http does not let a caller set Host, and the front door routes by it
            try (Socket socket = new Socket("127.0.0.1", pod.port())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET /_c2c/bootstrap HTTP/1.1\r\nHost: " + domain
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                last = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            if (last.startsWith("HTTP/1.1 200") && last.contains("\"manifestId\"")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the relay-only pod never served the bootstrap of " + domain + ": "
                + last.substring(0, Math.min(300, last.length())));
    }

    @AfterAll
    static void stopPlatform() {
        for (AutoCloseable closeable : new AutoCloseable[] {relayOnlySignaling, signaling, relay, discovery, dns, origin}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("stopping " + closeable + " failed: " + e);
            }
        }
    }

    @Test
    @Order(1)
    void secondVisitorGetsTheSiteFromTheFirstAndFinishesFromTheOriginWhenTheFirstLeaves() throws Exception {
        List<String> flags = browserFlags();
        HeadlessChromium a = HeadlessChromium.start(dir.resolve("a"), flags);
        boolean aClosed = false;
        try (HeadlessChromium b = HeadlessChromium.start(dir.resolve("b"), flags)) {
            // A: nobody holds anything yet, so the home page and the gallery (with data.bin) come from the origin proxy.
            a.open(siteUrl + "/");
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
                awaitHolder(sha(FILES.get(path)), aPeer);
            }

            // B: the same pages come from A over a data channel, verified, bytes equal to the origin's
            b.open(siteUrl + "/");
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
            JsonNode connection = b.executeAsync(CONNECTION_STATS, STEP, aPeer);
            assertEquals("connected", connection.path("state").asText(), connection.toString());
            assertEquals("host", connection.path("local").asText(), connection.toString());
            assertEquals("127.0.0.1", connection.path("localAddress").asText(), connection.toString());
            assertTrue(connection.path("channelBytesReceived").asLong() >= FILES.get("/data.bin").length, connection.toString());
            assertTrue(connection.path("pairBytesReceived").asLong() >= FILES.get("/data.bin").length, connection.toString());
            aStats = snapshot(a);
            assertTrue(aStats.path("upload").path("bytesServed").asLong() >= galleryAndData, aStats.toString());

            // A takes big.bin from the origin and announces it; B starts getting it from A, and A's browser is closed
            // while the owner's upload cap (512 KiB/s) still paces the transfer: B finishes from the origin.
            a.execute(FRAME_FETCH, "/big.bin");
            JsonNode aBig = awaitJson(a, "window.__fetched['/big.bin']");
            assertEquals("origin", aBig.path("source").asText(), aBig.toString());
            awaitHolder(sha(FILES.get("/big.bin")), aPeer);
            int servedBefore = snapshot(a).path("upload").path("chunksServed").asInt();
            JsonNode bBig0 = snapshot(b);
            long channelBefore = b.executeAsync(CONNECTION_STATS, STEP, aPeer).path("channelBytesReceived").asLong();
            b.execute(FRAME_FETCH, "/big.bin");
            // B has received two chunks' worth from A (its own channel's figure, not A's send count): close A now
            awaitChannelBytes(b, aPeer, channelBefore + 2L * 256 * 1024);
            assertTrue(snapshot(a).path("upload").path("chunksServed").asInt() < servedBefore + 12,
                    "A is still serving when it is closed: " + snapshot(a));
            a.close();
            aClosed = true;
            JsonNode bBig = awaitJson(b, "window.__fetched['/big.bin']");
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
            double reportsBefore = metric(signaling, "c2c_signaling_reports_total{outcome=\"accepted\",reason=\"chunk-hash\"}");
            try (HeadlessChromium d = HeadlessChromium.start(dir.resolve("d"), flags)) {
                d.open(siteUrl + "/");
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
            awaitMetric(signaling, "c2c_signaling_reports_total{outcome=\"accepted\",reason=\"chunk-hash\"}", reportsBefore + 1);
            awaitNotHolder(sha(FILES.get("/data.bin")), bPeer);
        } finally {
            if (!aClosed) {
                a.close();
            }
        }
    }

    @Test
    @Order(2)
    void deepLinkLinkBackForwardAndReloadOnTheRealFrontDoor() throws Exception {
        try (HeadlessChromium c = HeadlessChromium.start(dir.resolve("c"), browserFlags())) {
            // first visit, deep link: the front door answers the navigation with the shell, which shows the page
            c.open(siteUrl + "/about.html");
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
        List<String> flags = browserFlags(RELAY_DOMAIN, relaySiteUrl);
        try (HeadlessChromium e = HeadlessChromium.start(dir.resolve("e"), flags);
             HeadlessChromium f = HeadlessChromium.start(dir.resolve("f"), flags)) {
            e.open(relaySiteUrl + "/");
            waitPage(e, "Home");
            String ePeer = await(e, "window.__c2c && window.__c2c.peerId");
            assertEquals("relay", e.execute("return window.__c2c.options.iceTransportPolicy;").asText(),
                    "the pod's agent setting reaches the shell");
            assertTrue(e.execute("return JSON.stringify(window.__c2c.iceServers);").asText().contains("turn:127.0.0.1:"),
                    "welcome carries relay-service's TURN server");
            e.execute("document.getElementById('c2c-site').contentDocument.getElementById('next').click();");
            waitPage(e, "Gallery");
            assertEquals("origin", awaitJson(e, "document.getElementById('c2c-site').contentWindow.loaded").path("source").asText());
            awaitHolder(relaySiteId, sha(FILES.get("/data.bin")), ePeer);

            f.open(relaySiteUrl + "/");
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
            JsonNode connection = f.executeAsync(CONNECTION_STATS, STEP, ePeer);
            assertEquals("relay", connection.path("local").asText(), connection.toString());
            assertEquals("relay", connection.path("remote").asText(), connection.toString());
            assertTrue(connection.path("channelBytesReceived").asLong() >= FILES.get("/data.bin").length, connection.toString());
        }
    }

    /** Chromium resolves the site's name to 127.0.0.1 (and nothing else) and treats its http origin as secure. */
    private static List<String> browserFlags() {
        return browserFlags(DOMAIN, siteUrl);
    }

    private static List<String> browserFlags(String domain, String url) {
        return List.of("--host-resolver-rules=MAP " + domain + " 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--unsafely-treat-insecure-origin-as-secure=" + url);
    }

    @Test
    @Order(4)
    void theOwnerStatusPageShowsWhatVisitorsReportedInARealBrowser() throws Exception {
        List<String> flags = browserFlags();
        try (HeadlessChromium visitor = HeadlessChromium.start(dir.resolve("v"), flags);
             HeadlessChromium owner = HeadlessChromium.start(dir.resolve("o"), flags)) {
            visitor.open(siteUrl + "/");
            waitPage(visitor, "Home");
            await(visitor, "window.__c2c && window.__c2c.peerId");
            fetchInFrame(visitor, "/data.bin");
            JsonNode seen = snapshot(visitor);
            long fetched = seen.path("bytesFromPeers").asLong() + seen.path("bytesFromOrigin").asLong();
            assertTrue(fetched >= FILES.get("/data.bin").length, seen.toString());
            // the agent's own reporter, now rather than at its 30 s tick
            visitor.execute("window.__c2c.reporter.report();");
            String statsPath = "/api/v1/sites/" + siteId + "/stats?minutes=60";
            JsonNode stats = api("GET", statsPath, ownerKey, null, 200);
            long deadline = System.nanoTime() + STEP.toNanos();
            while (totalBytes(stats) < fetched || stats.path("peersOnline").asInt() < 1) {
                assertTrue(System.nanoTime() < deadline, "the report never reached the owner's figures: " + stats);
                Thread.sleep(250);
                stats = api("GET", statsPath, ownerKey, null, 200);
            }

            // the owner's page on the platform's own host: key, site list, cards, chart
            owner.open(signaling.url() + "/c2c/owner/status.html");
            await(owner, "document.getElementById('login')");
            owner.execute("document.getElementById('key').value = arguments[0]; document.getElementById('login').requestSubmit();",
                    ownerKey);
            await(owner, "[...document.getElementById('site').options].some((o) => o.value === '" + siteId + "')");
            owner.execute("const s = document.getElementById('site'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
                    siteId);
            JsonNode shown = null;
            JsonNode expected = null;
            deadline = System.nanoTime() + STEP.toNanos();
            while (System.nanoTime() < deadline) {
                shown = owner.execute(OWNER_CARDS);
                stats = api("GET", statsPath, ownerKey, null, 200);
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

    private static void awaitChannelBytes(HeadlessChromium browser, String peerId, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        JsonNode stats = null;
        while (System.nanoTime() < deadline) {
            stats = browser.executeAsync(CONNECTION_STATS, STEP, peerId);
            if (stats.path("channelBytesReceived").asLong() >= atLeast) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the data channel never carried " + atLeast + " bytes: " + stats);
    }

    private static JsonNode fetchInFrame(HeadlessChromium browser, String path) throws Exception {
        browser.execute(FRAME_FETCH, path);
        return awaitJson(browser, "window.__fetched['" + path + "']");
    }

    private static JsonNode snapshot(HeadlessChromium browser) throws Exception {
        return browser.execute("return JSON.parse(JSON.stringify(window.__c2c.snapshot()));");
    }

    private static String await(HeadlessChromium browser, String expression) throws Exception {
        JsonNode value = browser.executeAsync(AWAIT, STEP, expression, 40_000);
        assertFalse(value.isTextual() && value.asText().startsWith("TIMEOUT"), value.asText());
        return value.asText();
    }

    private static JsonNode awaitJson(HeadlessChromium browser, String expression) throws Exception {
        JsonNode value = browser.executeAsync(AWAIT, STEP, expression, 40_000);
        assertFalse(value.isTextual() && value.asText().startsWith("TIMEOUT"), value.asText());
        assertFalse(value.has("error"), value.toString());
        return value;
    }

    private static JsonNode waitPage(HeadlessChromium browser, String title) throws Exception {
        return waitPage(browser, title, false);
    }

    /** Waits for a page; retries while a navigation of the top document interrupts the script. */
    private static JsonNode waitPage(HeadlessChromium browser, String title, boolean fresh) throws Exception {
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

    /** Waits until discovery-service names {@code peerId} as a holder of the asset (it learns it from Kafka). */
    private static void awaitHolder(String asset, String peerId) throws Exception {
        awaitHolder(siteId, asset, peerId);
    }

    private static void awaitHolder(String site, String asset, String peerId) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(discovery.url() + "/api/v1/sites/"
                    + site + "/assets/" + asset + "/peers?limit=10")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200) {
                for (JsonNode peer : JSON.readTree(answer.body()).path("peers")) {
                    if (peerId.equals(peer.path("peerId").asText())) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("discovery never named " + peerId + " for " + asset + "; last answer " + last
                + "; signaling " + metrics(signaling, "c2c_signaling_") + "; discovery " + metrics(discovery, "c2c_discovery_events"));
    }

    /** Waits until discovery-service no longer names {@code peerId} for the asset (reported: not recommended). */
    private static void awaitNotHolder(String asset, String peerId) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(discovery.url() + "/api/v1/sites/"
                    + siteId + "/assets/" + asset + "/peers?limit=10")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200 && !answer.body().contains(peerId)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("discovery still names " + peerId + " for " + asset + ": " + last);
    }

    private static void awaitMetric(PackagedService service, String series, double atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        double value = 0;
        while (System.nanoTime() < deadline) {
            value = metric(service, series);
            if (value >= atLeast) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(series + " is " + value + ", expected at least " + atLeast);
    }

    private static double metric(PackagedService service, String series) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.url() + "/q/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim())).findFirst().orElse(0);
    }

    /** The service's Prometheus lines starting with {@code prefix}, for failure messages. */
    private static String metrics(PackagedService service, String prefix) {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.url() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(line -> line.startsWith(prefix)).toList().toString();
        } catch (Exception e) {
            return "(metrics unavailable: " + e + ")";
        }
    }

    private static JsonNode api(String method, String path, String key, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(signaling.url() + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        // HTTP/1.1: an h2c upgrade would carry the host as :authority, and the owner API checks the Host header.
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static void page(Path root, String path, String fileName, String title, String body, String bodyAttributes)
            throws Exception {
        file(root, path, fileName, ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<link rel=\"stylesheet\" href=\"/style.css\"></head><body" + bodyAttributes + "><h1 id=\"h\">" + title
                + "</h1>" + body + "<script src=\"/app.js\"></script></body></html>").getBytes(StandardCharsets.UTF_8));
    }

    private static void file(Path root, String path, String fileName, byte[] content) throws Exception {
        Files.write(root.resolve(fileName), content);
        FILES.put(path, content);
    }

    private static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
