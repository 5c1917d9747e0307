package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The whole platform for the browser tests of site delivery, started once per test JVM on first use (it takes a minute
 * on a loaded 2-core machine, so {@link SiteDeliveryIT} and {@link FirefoxSiteDeliveryIT} share it) and stopped at
 * the JVM's exit: packaged signaling-service, discovery-service and relay-service (with the harness's Redis and
 * Kafka), a second signaling pod of the same platform whose agents connect only through TURN, a real origin
 * ({@link DemoOriginServer}) with a four-page site, a script, a stylesheet, {@code data.bin} (three 256 KiB chunks)
 * and {@code big.bin} (twelve), and a DNS server ({@link DnsTestServer}) for the owners' domain proofs.
 *
 * <p>Each test class registers its own site(s) through the owner API ({@link #register}), so classes never see each
 * other's peers. Browsers reach a site by its name: {@link Site#chromiumFlags()} and {@link Site#firefoxPrefs()} map
 * it to 127.0.0.1 (every other look-up still fails) and make its http origin a secure context, which service workers
 * and Web Crypto need.
 */
final class SitePlatform {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(150);
    static final String TURN_TOKEN = "site-delivery-it-token";
    /** The owner's upload cap of every site here: slow enough that a transfer can be interrupted mid-way. */
    static final int UPLOAD_CAP = 512 * 1024;

    /** The origin's files by path. */
    static final Map<String, byte[]> FILES;

    private static SitePlatform instance;

    final Path dir;
    final DemoOriginServer origin;
    final DnsTestServer dns;
    final PackagedService discovery;
    final PackagedService relay;
    final PackagedService signaling;
    /** A second pod of the same platform (same Redis, Kafka, registry) whose shells connect only through TURN. */
    final PackagedService relayOnlySignaling;
    private final String apiKey;
    private final Map<String, Site> sites = new LinkedHashMap<>();

    /** A registered, verified and collected site, and the URL browsers open it at. */
    record Site(String siteId, String domain, String url) {

        /** Chromium resolves the site's name to 127.0.0.1 (and nothing else) and treats its http origin as secure. */
        List<String> chromiumFlags() {
            return List.of("--host-resolver-rules=MAP " + domain + " 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    "--unsafely-treat-insecure-origin-as-secure=" + url);
        }

        /**
         * Firefox resolves the site's name to loopback ({@code network.dns.localDomains}; nothing else resolves in the
         * test namespace) and treats the host as a secure context ({@code dom.securecontext.allowlist}, by host name:
         * enough for the service worker and Web Crypto). Its Cache Storage ignores that list and stays refused on http
         * origins other than localhost, as in a private window: {@code withCacheStorage} opens it, as https would.
         */
        Map<String, Object> firefoxPrefs(boolean withCacheStorage) {
            return Map.of("network.dns.localDomains", domain, "dom.securecontext.allowlist", domain,
                    "dom.caches.testing.enabled", withCacheStorage);
        }
    }

    static {
        Map<String, byte[]> files = new LinkedHashMap<>();
        page(files, "/", "Home", "<a id=\"next\" href=\"/gallery.html\">Gallery</a>", "");
        page(files, "/gallery.html", "Gallery", "<a id=\"next\" href=\"/\">Home</a>", " data-load=\"/data.bin\"");
        page(files, "/about.html", "About", "<a id=\"next\" href=\"/contact.html\">Contact</a>", "");
        page(files, "/contact.html", "Contact", "<a id=\"next\" href=\"/about.html\">About</a>", "");
        files.put("/app.js", """
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
        files.put("/style.css", "body { font-family: sans-serif; }\n".getBytes(StandardCharsets.UTF_8));
        Random random = new Random(11);
        byte[] data = new byte[700 * 1024 + 123]; // three 256 KiB chunks, the last one short
        byte[] big = new byte[3 * 1024 * 1024]; // twelve chunks
        random.nextBytes(data);
        random.nextBytes(big);
        files.put("/data.bin", data);
        files.put("/big.bin", big);
        FILES = Collections.unmodifiableMap(files);
    }

    /** The JVM's platform, started on first use. */
    static synchronized SitePlatform get() throws Exception {
        if (instance == null) {
            instance = new SitePlatform();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "c2c-site-platform-stop"));
        }
        return instance;
    }

    private SitePlatform() throws Exception {
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "site-platform-");
        Path root = dir.resolve("origin");
        Files.createDirectories(root);
        for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
            Files.write(root.resolve(file.getKey().equals("/") ? "index.html" : file.getKey().substring(1)), file.getValue());
        }
        origin = DemoOriginServer.start(0, root);
        dns = DnsTestServer.start();
        String redis = TestInfrastructure.redis().uri();
        String kafka = TestInfrastructure.kafka().bootstrapServers();
        int discoveryPort = FreePorts.next();
        int relayPort = FreePorts.next();
        int signalingPort = FreePorts.next();
        int turnPort = FreePorts.next();
        int minRelayPort = 45000 + (int) (ProcessHandle.current().pid() % 1000);

        // The services boot in parallel (each takes seconds on a loaded 2-core machine).
        CompletableFuture<PackagedService> discoveryStart = CompletableFuture.supplyAsync(() -> PackagedService.start(
                "discovery-service", discoveryPort, Map.of(), Map.of("kafka.bootstrap.servers", kafka,
                        // one report is enough here: the tests have one victim
                        "c2c.discovery.index.report-threshold", "1"), dir, START));
        CompletableFuture<PackagedService> relayStart = CompletableFuture.supplyAsync(() -> PackagedService.start(
                "relay-service", relayPort, Map.of("C2C_TURN_SECRETS", "site-delivery-it-secret", "C2C_INTERNAL_TOKEN", TURN_TOKEN),
                Map.of("quarkus.redis.hosts", redis, "c2c.relay.listen-port", Integer.toString(turnPort),
                        "c2c.relay.public-address", "127.0.0.1", "c2c.relay.relay.allowed-peers", "127.0.0.1/32",
                        "c2c.relay.relay.min-port", Integer.toString(minRelayPort),
                        "c2c.relay.relay.max-port", Integer.toString(minRelayPort + 199),
                        // A killed browser never releases its TURN allocation, so the production drain (60 s) would
                        // hold the stop at the JVM's exit past Surefire's 30 s, which then halts the fork and leaves
                        // this relay and discovery running. Draining is tested in relay-service.
                        "c2c.relay.drain-timeout", "0s"), dir, START));
        Map<String, String> signalingProperties = new LinkedHashMap<>();
        signalingProperties.put("quarkus.redis.hosts", redis);
        signalingProperties.put("kafka.bootstrap.servers", kafka);
        signalingProperties.put("c2c.signaling.discovery-url", "http://127.0.0.1:" + discoveryPort);
        signalingProperties.put("c2c.signaling.relay-url", "http://127.0.0.1:" + relayPort);
        signalingProperties.put("c2c.sites.api-hosts", "127.0.0.1");
        signalingProperties.put("c2c.sites.verify.dns-server", "127.0.0.1:" + dns.port());
        signalingProperties.put("c2c.sites.fetch.allowed-private-cidrs", "127.0.0.0/8");
        // Generous agent deadlines: on a loaded CI machine a peer connection may take seconds, and these tests prove
        // where bytes come from, not how fast (the deadline policy itself is tested in Node with virtual time).
        signalingProperties.put("c2c.agent.connect-wait", "8s");
        signalingProperties.put("c2c.agent.connect-timeout", "15s");
        signalingProperties.put("c2c.agent.fetch-policy.first-chunk-deadline", "8s");
        signalingProperties.put("c2c.agent.fetch-policy.stall", "8s");
        signalingProperties.put("c2c.agent.fetch-policy.chunk-timeout", "8s");
        signalingProperties.put("c2c.agent.fetch-policy.deadline", "30s");
        CompletableFuture<PackagedService> signalingStart = CompletableFuture.supplyAsync(() -> PackagedService.start(
                "signaling-service", signalingPort, Map.of("C2C_SIGNALING_RELAY_TOKEN", TURN_TOKEN), signalingProperties, dir, START));
        int relayOnlyPort = FreePorts.next();
        Map<String, String> relayOnlyProperties = new LinkedHashMap<>(signalingProperties);
        relayOnlyProperties.put("c2c.agent.ice-transport-policy", "relay");
        CompletableFuture<PackagedService> relayOnlyStart = CompletableFuture.supplyAsync(() -> PackagedService.start(
                "signaling-service", relayOnlyPort, Map.of("C2C_SIGNALING_RELAY_TOKEN", TURN_TOKEN), relayOnlyProperties, dir, START));
        discovery = discoveryStart.join();
        relay = relayStart.join();
        signaling = signalingStart.join();
        relayOnlySignaling = relayOnlyStart.join();

        JsonNode owner = api("POST", "/api/v1/owners", null, "{\"name\":\"Site Delivery IT\"}", 201);
        apiKey = owner.path("apiKey").asText();
    }

    /** At the JVM's exit: every service gets its SIGTERM first, so one slow to stop cannot leave another running. */
    private void stop() {
        for (PackagedService service : new PackagedService[] {relayOnlySignaling, signaling, relay, discovery}) {
            if (service != null) {
                service.terminate();
            }
        }
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

    /**
     * The owner's flow for {@code domain}: site, DNS proof, collect; browsers open it on the main signaling pod. Once
     * per domain and JVM (a rerun of a failed test class gets the same site).
     */
    synchronized Site register(String domain) throws Exception {
        Site site = sites.get(domain);
        if (site == null) {
            site = new Site(registerVerifyAndCollect(domain), domain, "http://" + domain + ":" + signaling.port());
            sites.put(domain, site);
        }
        return site;
    }

    /** Like {@link #register} for a site opened on the relay-only pod (waits until that pod knows the site). */
    synchronized Site registerOnRelayOnlyPod(String domain) throws Exception {
        Site site = sites.get(domain);
        if (site == null) {
            site = new Site(registerVerifyAndCollect(domain), domain, "http://" + domain + ":" + relayOnlySignaling.port());
            awaitBootstrap(relayOnlySignaling, domain); // the second pod learns the site from the registry topic
            sites.put(domain, site);
        }
        return site;
    }

    private String registerVerifyAndCollect(String domain) throws Exception {
        JsonNode site = api("POST", "/api/v1/sites", apiKey, JSON.writeValueAsString(Map.of(
                "domains", List.of(domain), "origin", origin.url(),
                "settings", Map.of("p2pEnabled", true, "uploadCapBytesPerSecond", UPLOAD_CAP, "maxP2pFileBytes", 64 * 1024 * 1024))), 201);
        String id = site.path("siteId").asText();
        JsonNode challenge = site.path("domains").path(0).path("challenge");
        dns.txt(challenge.path("dnsName").asText(), challenge.path("token").asText());
        JsonNode verified = api("POST", "/api/v1/sites/" + id + "/verify", apiKey, null, 200);
        assertTrue(verified.path("site").path("domains").path(0).path("verified").asBoolean(), verified.toString());
        JsonNode collected = api("POST", "/api/v1/sites/" + id + "/collect", apiKey,
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

    /** Discovery-service's answer: up to 10 peers of the site holding the asset. */
    private HttpResponse<String> holders(HttpClient http, String siteId, String asset) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(discovery.url() + "/api/v1/sites/" + siteId + "/assets/" + asset
                + "/peers?limit=10")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until discovery-service names {@code peerId} as a holder of the asset (it learns it from Kafka). */
    void awaitHolder(String siteId, String asset, String peerId) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = holders(http, siteId, asset);
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

    /** Waits until discovery-service no longer names {@code peerId} for the asset (reported, or gone). */
    void awaitNotHolder(String siteId, String asset, String peerId) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = holders(http, siteId, asset);
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200 && !answer.body().contains(peerId)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("discovery still names " + peerId + " for " + asset + ": " + last);
    }

    void awaitMetric(PackagedService service, String series, double atLeast) throws Exception {
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

    double metric(PackagedService service, String series) throws Exception {
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

    /** The owner's API key of every site registered here. */
    String ownerKey() {
        return apiKey;
    }

    JsonNode api(String method, String path, String key, String body, int expected) throws Exception {
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

    private static void page(Map<String, byte[]> files, String path, String title, String body, String bodyAttributes) {
        files.put(path, ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<link rel=\"stylesheet\" href=\"/style.css\"></head><body" + bodyAttributes + "><h1 id=\"h\">" + title
                + "</h1>" + body + "<script src=\"/app.js\"></script></body></html>").getBytes(StandardCharsets.UTF_8));
    }

    static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static String sha(String path) throws Exception {
        return sha(FILES.get(path));
    }
}
