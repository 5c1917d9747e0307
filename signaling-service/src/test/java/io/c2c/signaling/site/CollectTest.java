package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.c2c.testing.DemoOriginServer;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Collect against a real origin on loopback: hashes checked against an independent computation, every failing
 * path reported with its reason, immutable versions, sitemap discovery, and the CI webhook.
 */
@QuarkusTest
class CollectTest {

    private static final int CHUNK = 262_144;
    private static final byte[] LOGO = random(5_000, 1);
    private static final byte[] BIG = random(4 * CHUNK + 12_345, 2);

    @BeforeAll
    static void originFiles() {
        SitesTestResource.originFile("/c/index.html", "<h1>hello</h1>".getBytes(StandardCharsets.UTF_8));
        SitesTestResource.originFile("/c/css/site.css", "body{color:red}".getBytes(StandardCharsets.UTF_8));
        SitesTestResource.originFile("/c/js/app.js", "console.log(1)".getBytes(StandardCharsets.UTF_8));
        SitesTestResource.originFile("/c/img/logo.png", LOGO);
        SitesTestResource.originFile("/c/big.bin", BIG);
        SitesTestResource.originFile("/c/too-large.bin", new byte[2 * 1024 * 1024 + 1]);
        DemoOriginServer origin = SitesTestResource.origin();
        origin.route("/c/loop-a", redirect("/c/loop-b"));
        origin.route("/c/loop-b", redirect("/c/loop-a"));
        origin.route("/c/to-ftp", redirect("ftp://127.0.0.1/file"));
        origin.route("/c/to-file", redirect("file:///etc/passwd"));
        origin.route("/c/to-other-host", redirect("http://169.254.169.254/latest/meta-data/"));
        origin.route("/c/moved", redirect("/c/index.html"));
        origin.route("/c/stalled", exchange -> {
            // Headers, a few bytes, then silence longer than the test profile's 5 s request timeout.
            exchange.sendResponseHeaders(200, 1000);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[10]);
                out.flush();
                Thread.sleep(6_000);
            } catch (InterruptedException | java.io.IOException expected) {
                // the collector gave up first
            }
        });
        origin.route("/c/endless", exchange -> {
            // Chunked, no Content-Length: the limit must apply while streaming.
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    out.write(block);
                }
            } catch (java.io.IOException expected) {
                // the collector hung up once the limit was reached
            }
        });
    }

    private static com.sun.net.httpserver.HttpHandler redirect(String location) {
        return exchange -> {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(302, -1);
        };
    }

    private static String verifiedSite(String key) {
        String domain = Api.freshDomain();
        return Api.verifyByDns(key, Api.registerSite(key, domain, SitesTestResource.origin().url() + "/c"), domain);
    }

    @Test
    void collectHashesEveryFileAndChunkAndReportsEveryFailure() throws Exception {
        String key = Api.newOwner();
        String siteId = verifiedSite(key);
        List<String> good = List.of("/index.html", "/css/site.css", "/js/app.js", "/img/logo.png", "/big.bin", "/moved");
        List<String> bad = List.of("/missing.html", "/loop-a", "/to-ftp", "/to-file", "/to-other-host",
                "/too-large.bin", "/endless", "/../secret", "relative.html");
        List<String> all = new ArrayList<>(good);
        all.addAll(bad);

        Map<String, Object> result = as(key).body(Map.of("paths", all)).post("/api/v1/sites/" + siteId + "/collect")
                .then().statusCode(200)
                .body("published", is(true))
                .body("source", equalTo("request"))
                .body("filesCollected", is(good.size()))
                .extract().as(Map.class);
        Map<String, String> errors = new java.util.HashMap<>();
        for (Object e : (List<?>) result.get("errors")) {
            Map<?, ?> error = (Map<?, ?>) e;
            errors.put((String) error.get("path"), (String) error.get("error"));
        }
        assertEquals(Map.of(
                "/missing.html", "http-status",
                "/loop-a", "redirect-loop",
                "/to-ftp", "non-http-redirect",
                "/to-file", "non-http-redirect",
                "/to-other-host", "off-origin-redirect",
                "/too-large.bin", "too-large",
                "/endless", "too-large",
                "/../secret", "invalid-path",
                "relative.html", "invalid-path"), errors);

        String manifestId = (String) result.get("manifestId");
        Map<String, Object> manifest = as(key).get("/api/v1/sites/" + siteId + "/manifests/" + manifestId)
                .then().statusCode(200)
                .body("chunkSize", is(CHUNK))
                .body("siteId", equalTo(siteId))
                .extract().as(Map.class);
        Map<String, Map<?, ?>> files = new java.util.HashMap<>();
        for (Object f : (List<?>) manifest.get("files")) {
            files.put((String) ((Map<?, ?>) f).get("path"), (Map<?, ?>) f);
        }
        assertEquals(new java.util.HashSet<>(good), files.keySet());
        assertFile(files.get("/img/logo.png"), LOGO, "image/png");
        assertFile(files.get("/big.bin"), BIG, "application/octet-stream");
        assertEquals(5, ((List<?>) files.get("/big.bin").get("chunks")).size(), "4 full chunks and a short one");
        assertFile(files.get("/css/site.css"), "body{color:red}".getBytes(StandardCharsets.UTF_8), "text/css; charset=utf-8");
        assertFile(files.get("/moved"), "<h1>hello</h1>".getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");

        as(key).get("/api/v1/sites/" + siteId).then().body("manifestId", equalTo(manifestId));
    }

    @Test
    void unchangedContentKeepsItsIdAndAChangeMakesANewVersionWhileTheOldStaysReadable() {
        String key = Api.newOwner();
        String siteId = verifiedSite(key);
        String path = "/v-" + UUID.randomUUID() + ".txt";
        SitesTestResource.originFile("/c" + path, "one".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> body = Map.of("paths", List.of(path));

        String first = as(key).body(body).post("/api/v1/sites/" + siteId + "/collect").then().statusCode(200)
                .extract().path("manifestId");
        String again = as(key).body(body).post("/api/v1/sites/" + siteId + "/collect").then().statusCode(200)
                .extract().path("manifestId");
        assertEquals(first, again, "the id is the hash of the content");

        SitesTestResource.originFile("/c" + path, "two".getBytes(StandardCharsets.UTF_8));
        String second = as(key).body(body).post("/api/v1/sites/" + siteId + "/collect").then().statusCode(200)
                .extract().path("manifestId");
        assertNotEquals(first, second);

        as(key).get("/api/v1/sites/" + siteId + "/manifests/" + first).then().statusCode(200)
                .body("files[0].sha256", equalTo(sha256("one".getBytes(StandardCharsets.UTF_8))));
        as(key).get("/api/v1/sites/" + siteId + "/manifests").then().statusCode(200)
                .body("currentManifestId", equalTo(second))
                .body("manifests.manifestId", equalTo(List.of(second, first)));
    }

    @Test
    void withoutPathsTheSitemapListsTheFiles() {
        SitesTestResource.originFile("/c/sitemap.xml", ("<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/"
                + "schemas/sitemap/0.9\"><url><loc>/index.html</loc></url><url><loc>"
                + SitesTestResource.origin().url() + "/c/js/app.js</loc></url><url><loc>http://elsewhere.example/x"
                + "</loc></url></urlset>").getBytes(StandardCharsets.UTF_8));
        String key = Api.newOwner();
        String siteId = verifiedSite(key);

        as(key).body("{}").post("/api/v1/sites/" + siteId + "/collect").then().statusCode(200)
                .body("source", equalTo("sitemap"))
                .body("filesCollected", is(2))
                .body("errors.error", equalTo(List.of("off-origin")));
    }

    @Test
    void collectNeedsAVerifiedDomainAndBoundedInput() {
        String key = Api.newOwner();
        String unverified = Api.registerSite(key, Api.freshDomain(), SitesTestResource.origin().url() + "/c");
        as(key).body(Map.of("paths", List.of("/index.html"))).post("/api/v1/sites/" + unverified + "/collect")
                .then().statusCode(409).contentType("application/problem+json");

        String siteId = verifiedSite(key);
        List<String> tooMany = IntStream.range(0, 51).mapToObj(i -> "/f" + i).toList();
        as(key).body(Map.of("paths", tooMany)).post("/api/v1/sites/" + siteId + "/collect").then().statusCode(400);

        as(key).body(Map.of("paths", List.of("/missing.html"))).post("/api/v1/sites/" + siteId + "/collect")
                .then().statusCode(200).body("published", is(false)).body("errors.error", hasItem("http-status"));
    }

    @Test
    void aStalledOriginTimesOutAndTheRestIsStillCollected() {
        String key = Api.newOwner();
        String siteId = verifiedSite(key);
        as(key).body(Map.of("paths", List.of("/stalled", "/index.html"))).post("/api/v1/sites/" + siteId + "/collect")
                .then().statusCode(200)
                .body("published", is(true))
                .body("filesCollected", is(1))
                .body("errors.path", equalTo(List.of("/stalled")))
                .body("errors.error", equalTo(List.of("timeout")));
    }

    @Test
    void unreachableOriginIsReportedPerFile() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        int closed = io.c2c.testing.FreePorts.next();
        String siteId = Api.verifyByDns(key, Api.registerSite(key, domain, "http://127.0.0.1:" + closed), domain);
        as(key).body(Map.of("paths", List.of("/a.html"))).post("/api/v1/sites/" + siteId + "/collect").then()
                .statusCode(200).body("published", is(false)).body("errors[0].error", equalTo("origin-unreachable"));
    }

    @Test
    void theWebhookCollectsWithTheSitesOwnSecretOnly() {
        String key = Api.newOwner();
        String siteId = verifiedSite(key);
        Map<String, Object> hook = as(key).post("/api/v1/sites/" + siteId + "/webhook").then().statusCode(201)
                .extract().as(Map.class);
        String url = (String) hook.get("url");
        String secret = (String) hook.get("secret");
        Map<String, Object> body = Map.of("paths", List.of("/index.html"));

        given().contentType("application/json").body(body).post(url).then().statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer whk_wrong").contentType("application/json").body(body).post(url)
                .then().statusCode(401);
        given().header("Authorization", "Bearer " + key).contentType("application/json").body(body).post(url)
                .then().statusCode(401);
        given().header("Authorization", "Bearer " + secret).contentType("application/json").body(body)
                .post("/api/v1/hooks/sites/" + UUID.randomUUID() + "/collect").then().statusCode(401);

        given().header("Authorization", "Bearer " + secret).contentType("application/json").body(body).post(url)
                .then().statusCode(200).body("published", is(true)).body("errors", empty());
        as(key).get("/api/v1/sites/" + siteId).then().body("webhookConfigured", is(true))
                .body("manifestId", not(equalTo(null)));

        // Rotation invalidates the old secret.
        as(key).post("/api/v1/sites/" + siteId + "/webhook").then().statusCode(201);
        given().header("Authorization", "Bearer " + secret).contentType("application/json").body(body).post(url)
                .then().statusCode(401).body("detail", containsString("webhook secret"));
    }

    private static void assertFile(Map<?, ?> file, byte[] expected, String contentType) throws Exception {
        assertEquals(expected.length, ((Number) file.get("size")).intValue());
        assertEquals(sha256(expected), file.get("sha256"));
        assertEquals(contentType, file.get("contentType"));
        List<String> chunks = new ArrayList<>();
        for (int offset = 0; offset < expected.length; offset += CHUNK) {
            chunks.add(sha256(java.util.Arrays.copyOfRange(expected, offset, Math.min(expected.length, offset + CHUNK))));
        }
        assertEquals(chunks, file.get("chunks"));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
