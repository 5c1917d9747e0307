package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The origin fallback proxy against a real origin: same bytes as the origin, ranges, only verified hosts, only
 * manifest paths, and none of the usual SSRF tricks (raw requests, so no client normalizes them away).
 */
@QuarkusTest
class OriginProxyTest {

    private static final byte[] BIG = new byte[700_000];
    private static final AtomicBoolean REDIRECTING = new AtomicBoolean();
    private static final AtomicBoolean STREAMING = new AtomicBoolean();
    private static String key;
    private static String domain;

    @TestHTTPResource("/")
    URL app;

    @BeforeAll
    static void site() {
        new Random(7).nextBytes(BIG);
        SitesTestResource.originFile("/p/big.bin", BIG);
        SitesTestResource.originFile("/p/index.html", "<p>proxied</p>".getBytes(StandardCharsets.UTF_8));
        SitesTestResource.originFile("/p/not-collected.txt", "secret".getBytes(StandardCharsets.UTF_8));
        SitesTestResource.origin().route("/p/stream", exchange -> {
            if (!STREAMING.get()) {
                byte[] body = "short".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            // a long, steady stream: the visitor leaves long before it ends
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 500; i++) {
                    out.write(new byte[4096]);
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException gone) {
                // the proxy cut the stream
            }
        });
        SitesTestResource.origin().route("/p/flip", exchange -> {
            if (REDIRECTING.get()) {
                exchange.getResponseHeaders().set("Location", "http://169.254.169.254/latest/meta-data/");
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
    }

    private void ensureSite() {
        if (key != null) {
            return;
        }
        key = Api.newOwner();
        domain = Api.freshDomain();
        String siteId = Api.verifyByDns(key, Api.registerSite(key, domain, SitesTestResource.origin().url() + "/p"),
                domain);
        as(key).body(Map.of("paths", List.of("/big.bin", "/index.html", "/flip", "/stream")))
                .post("/api/v1/sites/" + siteId + "/collect").then().statusCode(200)
                .body("filesCollected", equalTo(4));
    }

    @Test
    void servesTheOriginsBytesForAVerifiedHost() {
        ensureSite();
        byte[] body = given().header("Host", domain).get("/_c2c/origin/big.bin").then().statusCode(200)
                .header("Content-Length", String.valueOf(BIG.length))
                .header("X-Content-Type-Options", "nosniff")
                .extract().asByteArray();
        assertArrayEquals(BIG, body);
        given().header("Host", domain.toUpperCase()).get("/_c2c/origin/index.html").then().statusCode(200)
                .header("Content-Type", "text/html; charset=utf-8").body(equalTo("<p>proxied</p>"));
    }

    @Test
    void forwardsRangeRequests() {
        ensureSite();
        byte[] part = given().header("Host", domain).header("Range", "bytes=300000-300099")
                .get("/_c2c/origin/big.bin").then().statusCode(206)
                .header("Content-Range", "bytes 300000-300099/" + BIG.length)
                .extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(BIG, 300_000, 300_100), part);
        given().header("Host", domain).header("Range", "bytes=999999999-").get("/_c2c/origin/big.bin").then()
                .statusCode(416);
    }

    @Test
    void unknownUnverifiedHostsAndPathsOutsideTheManifestAre404() {
        ensureSite();
        given().header("Host", "nobody.example").get("/_c2c/origin/index.html").then().statusCode(404)
                .contentType("application/problem+json");
        String unverifiedOwner = Api.newOwner();
        String unverified = Api.freshDomain();
        Api.registerSite(unverifiedOwner, unverified, SitesTestResource.origin().url() + "/p");
        given().header("Host", unverified).get("/_c2c/origin/index.html").then().statusCode(404);
        given().header("Host", domain).get("/_c2c/origin/not-collected.txt").then().statusCode(404);
    }

    @Test
    void neverFollowsARedirectToAnotherHost() {
        ensureSite();
        REDIRECTING.set(true);
        try {
            given().header("Host", domain).get("/_c2c/origin/flip").then().statusCode(502)
                    .contentType("application/problem+json");
        } finally {
            REDIRECTING.set(false);
        }
    }

    @Test
    void visitorsLeavingMidTransferGiveTheirSlotsBack() throws Exception {
        ensureSite();
        // more departures than proxy.max-concurrent (16 in tests): a leaked slot per departure would end in 503s
        STREAMING.set(true);
        try {
            for (int i = 0; i < 24; i++) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.getPort())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(("GET /_c2c/origin/stream HTTP/1.1\r\nHost: " + domain
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                    assertEquals(1000, socket.getInputStream().readNBytes(1000).length);
                }
            }
        } finally {
            STREAMING.set(false);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                given().header("Host", domain).get("/_c2c/origin/index.html").then().extract().statusCode() == 200);
    }

    @Test
    void escapedPathsAreCollectedInCanonicalFormAndServed() throws Exception {
        String owner = Api.newOwner();
        String host = Api.freshDomain();
        SitesTestResource.originFile("/esc/a b.png", "space".getBytes(StandardCharsets.UTF_8));
        SitesTestResource.originFile("/esc/caf\u00e9.html", "<p>caf\u00e9</p>".getBytes(StandardCharsets.UTF_8));
        String siteId = Api.verifyByDns(owner, Api.registerSite(owner, host, SitesTestResource.origin().url() + "/esc"),
                host);
        // typed, escaped in lower case, and an invalid escape: the first two are the same canonical paths
        as(owner).body(Map.of("paths", List.of("/a b.png", "/caf%c3%a9.html", "/x%2Fy", "/bad%C3%28")))
                .post("/api/v1/sites/" + siteId + "/collect").then().statusCode(200)
                .body("filesCollected", equalTo(2))
                .body("errors.path", org.hamcrest.Matchers.containsInAnyOrder("/x%2Fy", "/bad%C3%28"))
                .body("errors.error", org.hamcrest.Matchers.everyItem(equalTo("invalid-path")));
        String manifestId = as(owner).get("/api/v1/sites/" + siteId).then().extract().path("manifestId");
        as(owner).get("/api/v1/sites/" + siteId + "/manifests/" + manifestId).then().statusCode(200)
                .body("files.path", org.hamcrest.Matchers.contains("/a%20b.png", "/caf%C3%A9.html"));
        String previousDomain = domain;
        domain = host;
        try {
            assertTrue(raw("/_c2c/origin/a%20b.png").endsWith("space"));
            assertTrue(raw("/_c2c/origin/caf%C3%A9.html").startsWith("HTTP/1.1 200"));
            assertTrue(raw("/_c2c/origin/caf%c3%a9.html").startsWith("HTTP/1.1 200"), "same path, other case");
            assertTrue(raw("/_c2c/origin/caf%C3%28.html").startsWith("HTTP/1.1 400"), "invalid UTF-8");
        } finally {
            domain = previousDomain;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/_c2c/origin/../../etc/passwd",
        "/_c2c/origin/%2e%2e/%2e%2e/etc/passwd",
        "/_c2c/origin/..%2f..%2fetc%2fpasswd",
        "/_c2c/origin//169.254.169.254/latest",
        "/_c2c/origin/http://169.254.169.254/",
        "/_c2c/origin/index.html?url=http://127.0.0.1:1/",
        "/_c2c/origin/./index.html",
        "/_c2c/origin/index.html%00.txt"
    })
    void ssrfAttemptsAreRejected(String rawTarget) throws Exception {
        ensureSite();
        String response = raw(rawTarget);
        int status = Integer.parseInt(response.substring(9, 12));
        assertTrue(status == 400 || status == 404, rawTarget + " -> " + response.lines().findFirst().orElse(""));
        assertTrue(!response.contains("root:") && !response.contains("secret"), response);
    }

    /** Sends a request line exactly as given (no client-side normalization) and returns the whole response. */
    private String raw(String target) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + domain + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void rawRequestHelperReachesTheProxy() throws Exception {
        ensureSite();
        String response = raw("/_c2c/origin/index.html");
        assertEquals("HTTP/1.1 200", response.substring(0, 12));
        assertTrue(response.endsWith("<p>proxied</p>"));
    }
}
