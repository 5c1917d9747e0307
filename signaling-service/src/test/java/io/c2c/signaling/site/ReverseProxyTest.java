package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.c2c.testing.FreePorts;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reverse proxy of a verified site's own paths against a real HTTP origin on loopback (a small server owned by
 * this test, with a base path): methods, bodies both ways, queries, redirects and Location rewriting, headers,
 * cookies, bounds (413, 504, 502) and SSRF attempts that must never reach any origin.
 */
@QuarkusTest
class ReverseProxyTest {

    private static final AtomicInteger HITS = new AtomicInteger();
    private static final AtomicInteger OUTSIDE_BASE = new AtomicInteger();
    private static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);
    private static HttpServer origin;
    private static ExecutorService originThreads;
    private static String domain;
    private static String key;

    @TestHTTPResource("/")
    URL app;

    @BeforeAll
    static void startOrigin() throws IOException {
        originThreads = Executors.newCachedThreadPool();
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next()), 64);
        origin.setExecutor(originThreads);
        origin.createContext("/base/", ReverseProxyTest::handle);
        origin.createContext("/", exchange -> {
            HITS.incrementAndGet();
            OUTSIDE_BASE.incrementAndGet();
            try (exchange) {
                exchange.sendResponseHeaders(418, -1); // outside the base path: must never be reached
            }
        });
        origin.start();
    }

    @AfterAll
    static void stopOrigin() {
        RELEASE_SLOW.countDown();
        origin.stop(0);
        originThreads.shutdownNow();
    }

    private static String originUrl() {
        return "http://127.0.0.1:" + origin.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        HITS.incrementAndGet();
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            var out = exchange.getResponseHeaders();
            switch (path) {
                case "/base/redirect" -> {
                    out.set("Location", originUrl() + "/base/landing?from=redirect");
                    exchange.sendResponseHeaders(302, -1);
                    return;
                }
                case "/base/redirect-relative" -> {
                    out.set("Location", "/base/landing");
                    exchange.sendResponseHeaders(301, -1);
                    return;
                }
                case "/base/redirect-away" -> {
                    out.set("Location", "https://elsewhere.example/x");
                    exchange.sendResponseHeaders(303, -1);
                    return;
                }
                case "/base/stall-body" -> {
                    // the head and part of the body, then nothing: the proxy's idle bound must cut it
                    exchange.sendResponseHeaders(200, 1000);
                    OutputStream o = exchange.getResponseBody();
                    o.write(new byte[100]);
                    o.flush();
                    try {
                        RELEASE_SLOW.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                case "/base/huge" -> {
                    exchange.sendResponseHeaders(200, 0); // chunked, no length to refuse up front
                    try (OutputStream o = exchange.getResponseBody()) {
                        byte[] block = new byte[64 * 1024];
                        for (int i = 0; i < 5 * 16; i++) { // 5 MiB, more than the test bound of 4 MiB
                            o.write(block);
                        }
                    } catch (IOException cut) {
                        // expected: the proxy resets the stream at its bound
                    }
                    return;
                }
                case "/base/slow" -> {
                    try {
                        RELEASE_SLOW.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                default -> {
                }
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            out.set("X-Echo-Method", exchange.getRequestMethod());
            String query = exchange.getRequestURI().getRawQuery();
            out.set("X-Echo-Uri", exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
            out.set("X-Echo-Headers", exchange.getRequestHeaders().keySet().stream()
                    .map(h -> h.toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(",")));
            for (String name : List.of("Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Via",
                    "Cookie", "Content-Type", "User-Agent")) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    out.set("X-Echo-" + name, value);
                }
            }
            out.add("Set-Cookie", "session=s1; Path=/; HttpOnly");
            out.add("Set-Cookie", "theme=dark; Path=/");
            out.set("Keep-Alive", "timeout=5");
            out.set("Proxy-Authenticate", "Basic realm=\"origin\"");
            out.set("X-Hop", "1");
            out.set("Connection", "X-Hop");
            out.set("Alt-Svc", "h3=\":443\"");
            out.set("Content-Type", "application/octet-stream");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            int status = path.equals("/base/created") ? 201 : path.equals("/base/gone") ? 410 : 200;
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        }
    }

    private void ensureSite() {
        if (key != null) {
            return;
        }
        key = Api.newOwner();
        domain = Api.freshDomain();
        Api.verifyByDns(key, Api.registerSite(key, domain, originUrl() + "/base"), domain);
    }

    @Test
    void postPutPatchDeleteAndOptionsReachTheOriginWithBodyAndQuery() {
        ensureSite();
        given().header("Host", domain).urlEncodingEnabled(false).contentType("text/plain").body("hello origin")
                .post("/api/items?id=7&q=a%20b").then().statusCode(200)
                .header("X-Echo-Method", "POST")
                .header("X-Echo-Uri", "/base/api/items?id=7&q=a%20b")
                .header("X-Echo-Content-Type", containsString("text/plain"))
                .body(equalTo("hello origin"));
        given().header("Host", domain).body("put body").put("/created").then().statusCode(201)
                .header("X-Echo-Method", "PUT").body(equalTo("put body"));
        given().header("Host", domain).body("patch").patch("/api/items/7").then().statusCode(200)
                .header("X-Echo-Method", "PATCH").body(equalTo("patch"));
        given().header("Host", domain).delete("/gone").then().statusCode(410).header("X-Echo-Method", "DELETE");
        given().header("Host", domain).options("/api/items").then().statusCode(200)
                .header("X-Echo-Method", "OPTIONS");
        given().header("Host", domain).head("/api/items").then().statusCode(200).header("X-Echo-Method", "HEAD");
    }

    @Test
    void largeBodiesStreamBothWays() {
        ensureSite();
        byte[] upload = new byte[900_000];
        new Random(3).nextBytes(upload);
        // an InputStream body goes out chunked: no Content-Length for the proxy to rely on
        byte[] echoed = given().header("Host", domain).contentType("application/octet-stream")
                .body(new ByteArrayInputStream(upload)).post("/upload").then().statusCode(200)
                .extract().asByteArray();
        assertArrayEquals(upload, echoed);
        byte[] sized = given().header("Host", domain).contentType("application/octet-stream").body(upload)
                .put("/upload").then().statusCode(200).extract().asByteArray();
        assertArrayEquals(upload, sized);
    }

    @Test
    void aNonManifestGetIsProxiedWithItsQuery() {
        ensureSite();
        given().header("Host", domain).urlEncodingEnabled(false).get("/search?q=caf%C3%A9").then().statusCode(200)
                .header("X-Echo-Method", "GET").header("X-Echo-Uri", "/base/search?q=caf%C3%A9");
        given().header("Host", domain).urlEncodingEnabled(false).get("/caf%c3%a9/a%20b.html").then()
                .statusCode(200).header("X-Echo-Uri", "/base/caf%C3%A9/a%20b.html");
    }

    @Test
    void redirectsArePassedOnWithTheOriginRewrittenToTheSite() {
        ensureSite();
        given().header("Host", domain).redirects().follow(false).get("/redirect").then().statusCode(302)
                .header("Location", "http://" + domain + "/landing?from=redirect");
        given().header("Host", domain).redirects().follow(false).get("/redirect-relative").then().statusCode(301)
                .header("Location", "/landing");
        given().header("Host", domain).redirects().follow(false).get("/redirect-away").then().statusCode(303)
                .header("Location", "https://elsewhere.example/x");
    }

    @Test
    void endToEndHeadersAndCookiesPassHopByHopHeadersDoNot() throws Exception {
        ensureSite();
        String response = raw("GET /headers HTTP/1.1\r\nHost: " + domain + "\r\n"
                + "Connection: keep-alive, X-Private\r\nX-Private: secret\r\nKeep-Alive: 300\r\n"
                + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
                + "X-Forwarded-For: 203.0.113.9\r\nVia: 1.0 upstream\r\nCookie: sid=abc; lang=en\r\n"
                + "User-Agent: visitor/1.0\r\nX-End-To-End: yes\r\n\r\n");
        Map<String, List<String>> headers = headersOf(response);
        assertEquals("HTTP/1.1 200", response.substring(0, 12), response);
        String received = first(headers, "x-echo-headers");
        for (String hop : List.of("x-private", "keep-alive", "proxy-authorization", "proxy-connection", "te")) {
            assertFalse(List.of(received.split(",")).contains(hop), hop + " reached the origin: " + received);
        }
        assertTrue(List.of(received.split(",")).contains("x-end-to-end"), received);
        assertEquals("127.0.0.1:" + origin.getAddress().getPort(), first(headers, "x-echo-host"));
        assertEquals("203.0.113.9, 127.0.0.1", first(headers, "x-echo-x-forwarded-for"));
        assertEquals("http", first(headers, "x-echo-x-forwarded-proto"));
        assertEquals(domain, first(headers, "x-echo-x-forwarded-host"));
        assertEquals("1.0 upstream, 1.1 c2c", first(headers, "x-echo-via"));
        assertEquals("sid=abc; lang=en", first(headers, "x-echo-cookie"));
        assertEquals("visitor/1.0", first(headers, "x-echo-user-agent"));
        // response side
        assertEquals(List.of("session=s1; Path=/; HttpOnly", "theme=dark; Path=/"), headers.get("set-cookie"));
        assertEquals("1.1 c2c", first(headers, "via"));
        for (String hop : List.of("keep-alive", "proxy-authenticate", "x-hop", "alt-svc")) {
            assertFalse(headers.containsKey(hop), hop + " reached the visitor: " + response);
        }
    }

    @Test
    void oversizedBodiesGet413AndNeverReachTheOrigin() throws Exception {
        ensureSite();
        int before = HITS.get();
        given().header("Host", domain).body(new byte[1_100_000]).post("/upload").then().statusCode(413)
                .contentType("application/problem+json");
        given().header("Host", domain).body(new ByteArrayInputStream(new byte[1_500_000])).post("/upload").then()
                .statusCode(413);
        // the declared length alone is enough to refuse, before any body byte is read
        String response = raw("POST /upload HTTP/1.1\r\nHost: " + domain + "\r\nContent-Length: 999999999999\r\n"
                + "Connection: close\r\n\r\nabc");
        assertEquals("HTTP/1.1 413", response.substring(0, 12), response);
        String malformed = raw("POST /upload HTTP/1.1\r\nHost: " + domain + "\r\nContent-Length: 3\r\n"
                + "Content-Length: 4\r\nConnection: close\r\n\r\nabcd");
        assertEquals("HTTP/1.1 400", malformed.substring(0, 12), malformed);
        String smuggling = raw("POST /upload HTTP/1.1\r\nHost: " + domain + "\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");
        assertEquals("HTTP/1.1 400", smuggling.substring(0, 12), smuggling);
        assertTrue(HITS.get() - before <= 1, "at most the chunked upload reached the origin (then cut)");
    }

    @Test
    void aSlowOriginGets504() {
        ensureSite();
        long started = System.nanoTime();
        given().header("Host", domain).get("/slow").then().statusCode(504)
                .contentType("application/problem+json").body("title", equalTo("Gateway timeout"));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(seconds < 15, "took " + seconds + " s");
    }

    @Test
    void stalledBodiesAndOverlongResponsesAreCut() throws Exception {
        ensureSite();
        long started = System.nanoTime();
        // Both stalls at once: each waits for the idle bound (5 s in tests).
        var stalledDownload = java.util.concurrent.CompletableFuture.supplyAsync(() -> rawOrCut(
                "GET /stall-body HTTP/1.1\r\nHost: " + domain + "\r\n\r\n"));
        var stalledUpload = java.util.concurrent.CompletableFuture.supplyAsync(() -> rawOrCut(
                "POST /upload HTTP/1.1\r\nHost: " + domain + "\r\nContent-Length: 100\r\n\r\n0123456789"));
        String download = stalledDownload.get(30, TimeUnit.SECONDS);
        assertTrue(download.startsWith("HTTP/1.1 200"), download);
        assertTrue(download.length() - download.indexOf("\r\n\r\n") - 4 < 1000, "the stalled body was cut");
        String upload = stalledUpload.get(30, TimeUnit.SECONDS);
        assertTrue(upload.startsWith("HTTP/1.1 408"), upload);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(seconds >= 4 && seconds < 20, "cut by the idle bound, took " + seconds + " s");

        // A response longer than max-response-bytes (4 MiB in tests) is cut, never delivered whole.
        String huge = rawOrCut("GET /huge HTTP/1.1\r\nHost: " + domain + "\r\n\r\n");
        assertTrue(huge.startsWith("HTTP/1.1 200"), huge.substring(0, Math.min(200, huge.length())));
        assertTrue(huge.length() < 5 * 1024 * 1024, "got " + huge.length() + " bytes");
        assertFalse(huge.endsWith("0\r\n\r\n"), "the chunked body must not end normally");
    }

    /** Sends {@code request} and reads everything until the server closes or resets (the bytes read so far). */
    private String rawOrCut(String request) {
        StringBuilder text = new StringBuilder();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.getPort())) {
            socket.setSoTimeout(25_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) != -1) {
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException reset) {
            // a reset is one way of cutting: keep what came before it
        }
        return text.toString();
    }

    @Test
    void anOriginThatIsDownGets502AndAPrivateOriginIsNeverContacted() {
        String owner = Api.newOwner();
        String down = Api.freshDomain();
        Api.verifyByDns(owner, Api.registerSite(owner, down, "http://127.0.0.1:" + FreePorts.next()), down);
        given().header("Host", down).body("x").post("/form").then().statusCode(502)
                .contentType("application/problem+json");
        // 10.0.0.0/8 is not in the test allow-list (only 127.0.0.0/8): refused before any connection
        String internal = Api.freshDomain();
        Api.verifyByDns(owner, Api.registerSite(owner, internal, "http://10.255.255.1:81"), internal);
        long started = System.nanoTime();
        given().header("Host", internal).get("/latest/meta-data/").then().statusCode(502)
                .body("type", containsString("origin-refused"));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 3000, "no connect attempt");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET http://127.0.0.1:%d/base/secret HTTP/1.1",
        "GET http://127.0.0.1:%d/ HTTP/1.1",
        "GET /../secret HTTP/1.1",
        "GET /a/%%2e%%2e/%%2e%%2e/secret HTTP/1.1",
        "GET /..%%2f..%%2fsecret HTTP/1.1",
        "GET /a%%2Fb HTTP/1.1",
        "GET //127.0.0.1:%d/secret HTTP/1.1",
        "GET /a%%00b HTTP/1.1",
        "GET /a%%C3%%28 HTTP/1.1",
        "TRACE / HTTP/1.1",
        "CONNECT 127.0.0.1:%d HTTP/1.1"
    })
    void ssrfAttemptsAreRefusedAndNeverForwarded(String requestLine) throws Exception {
        ensureSite();
        int before = HITS.get();
        String line = String.format(requestLine, origin.getAddress().getPort());
        String response = raw(line + "\r\nHost: " + domain + "\r\nConnection: close\r\n\r\n");
        int status = Integer.parseInt(response.substring(9, 12));
        assertTrue(status == 400 || status == 404 || status == 405, line + " -> " + response);
        assertEquals(before, HITS.get(), line + " reached the origin");
    }

    @Test
    void fuzzedRequestTargetsNeverFailTheServerAndNeverLeaveTheBasePath() throws Exception {
        ensureSite();
        Random random = new Random(1126);
        String[] pieces = {"/", "..", ".", "%2e", "%2E%2e", "%2f", "%5c", "\\", "%00", "%", "%zz", "%C3%A9", "%C3",
            "a", "base", "?", "#", "//", "http:", "@", ":", ";", "%25", "~", "+", "&x=", "=", "127.0.0.1"};
        String[] methods = {"GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "PROPFIND"};
        int outsideBefore = OUTSIDE_BASE.get();
        for (int n = 0; n < 150; n++) {
            StringBuilder target = new StringBuilder(random.nextInt(10) == 0 ? "" : "/");
            int parts = 1 + random.nextInt(6);
            for (int k = 0; k < parts; k++) {
                target.append(pieces[random.nextInt(pieces.length)]);
            }
            String method = methods[random.nextInt(methods.length)];
            String request = method + " " + target + " HTTP/1.1\r\nHost: " + domain + "\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n";
            String response = raw(request);
            assertTrue(response.startsWith("HTTP/1.1 "), request + " -> " + response);
            int status = Integer.parseInt(response.substring(9, 12));
            assertTrue(status < 500, request + " -> " + response.lines().findFirst().orElse(""));
        }
        assertEquals(outsideBefore, OUTSIDE_BASE.get(), "a request reached the origin outside the base path");
    }

    @Test
    void anUnknownHostGetsTheNotFoundPageAndNothingIsForwarded() throws Exception {
        int before = HITS.get();
        given().header("Host", "unknown-" + System.nanoTime() + ".example").body("x").post("/form").then()
                .statusCode(404).contentType(containsString("text/html"));
        // an unverified domain of a real site is unknown too
        String owner = Api.newOwner();
        String unverified = Api.freshDomain();
        Api.registerSite(owner, unverified, originUrl() + "/base");
        given().header("Host", unverified).get("/api/items").then().statusCode(404);
        assertEquals(before, HITS.get());
    }

    @Test
    void theOwnerApiIsNotReachableThroughASiteHost() {
        ensureSite();
        // on a site host /api/ is the site's own path: it goes to the origin, never to the platform's API
        given().header("Host", domain).header("Authorization", "Bearer " + key).get("/api/v1/sites").then()
                .statusCode(200).header("X-Echo-Uri", "/base/api/v1/sites").header("X-Echo-Method", "GET");
        as(key).get("/api/v1/sites").then().statusCode(200);
    }

    private String raw(String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.getPort())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            // one response: read the head, then Content-Length bytes (the connection may stay open)
            StringBuilder text = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                text.append((char) c);
                if (text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            Map<String, List<String>> headers = headersOf(text.toString());
            List<String> length = headers.get("content-length");
            if (length != null) {
                byte[] body = in.readNBytes(Integer.parseInt(length.get(0)));
                text.append(new String(body, StandardCharsets.ISO_8859_1));
            }
            return text.toString();
        }
    }

    private static Map<String, List<String>> headersOf(String response) {
        String head = response.contains("\r\n\r\n") ? response.substring(0, response.indexOf("\r\n\r\n")) : response;
        return head.lines().skip(1).filter(l -> l.contains(":"))
                .collect(Collectors.groupingBy(l -> l.substring(0, l.indexOf(':')).strip().toLowerCase(Locale.ROOT),
                        java.util.LinkedHashMap::new,
                        Collectors.mapping(l -> l.substring(l.indexOf(':') + 1).strip(), Collectors.toList())));
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }
}
