package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host routing against a real collected site: a verified host's page navigations get the shell,
 * every other request the origin's answer through the reverse proxy, its start-up data the bootstrap; an
 * unknown host gets the 404 page; platform paths pass on every host.
 */
@QuarkusTest
class FrontDoorTest {

    private static final String PAGE = "<h1>front door</h1>";
    private static final String SCRIPT = "console.log('front door');";
    private static final String LATER = "added after the collect";

    @BeforeAll
    static void originFiles() {
        SitesTestResource.originFile("/fd/index.html", PAGE.getBytes(StandardCharsets.UTF_8));
        SitesTestResource.originFile("/fd/app.js", SCRIPT.getBytes(StandardCharsets.UTF_8));
        SitesTestResource.originFile("/fd/later.txt", LATER.getBytes(StandardCharsets.UTF_8));
    }

    private static String collectedSite(String domain) {
        String key = Api.newOwner();
        String siteId = Api.verifyByDns(key, Api.registerSite(key, domain, SitesTestResource.origin().url() + "/fd"),
                domain);
        as(key).body(Map.of("paths", List.of("/index.html", "/app.js"))).post("/api/v1/sites/" + siteId + "/collect")
                .then().statusCode(200);
        return siteId;
    }

    @Test
    void verifiedHostGetsShellForPagesAndOriginBytesForTheRest() {
        String domain = Api.freshDomain();
        String siteId = collectedSite(domain);

        given().header("Host", domain).header("Sec-Fetch-Dest", "document").get("/index.html").then()
                .statusCode(200).contentType(containsString("text/html")).body(containsString("id=\"c2c-site\""));
        given().header("Host", domain).header("Sec-Fetch-Dest", "iframe").get("/index.html").then()
                .statusCode(200).body(equalTo(PAGE));
        given().header("Host", domain).header("Sec-Fetch-Dest", "script").get("/app.js").then()
                .statusCode(200).body(equalTo(SCRIPT));
        // A script is never a page: no shell even when it is asked for as a document.
        given().header("Host", domain).header("Sec-Fetch-Dest", "document").get("/app.js").then()
                .statusCode(200).body(equalTo(SCRIPT));
        // Everything else goes to the origin through the reverse proxy: the demo origin answers POST with 405
        // and its own Allow header, and serves a file that is not in the manifest.
        given().header("Host", domain).body("x").post("/index.html").then().statusCode(405)
                .header("Allow", "GET, HEAD").header("Via", "1.1 c2c");
        given().header("Host", domain).get("/later.txt").then().statusCode(200).body(equalTo(LATER));
        given().header("Host", domain).get("/missing.txt").then().statusCode(404);
        given().header("Host", domain).head("/later.txt").then().statusCode(200)
                .header("Content-Length", String.valueOf(LATER.length())).body(equalTo(""));

        given().header("Host", domain).get("/_c2c/bootstrap").then().statusCode(200)
                .body("siteId", equalTo(siteId))
                .body("manifest.files.path", hasItems("/index.html", "/app.js"))
                .body("settings.p2pEnabled", is(true));
    }

    @Test
    void unknownHostGetsTheNotFoundPageAndNoBootstrap() {
        given().header("Host", "nobody-registered-this.example").header("Sec-Fetch-Dest", "document").get("/")
                .then().statusCode(404).contentType(containsString("text/html"))
                .body(containsString("This site is not served here"));
        given().header("Host", "nobody-registered-this.example").get("/_c2c/bootstrap").then().statusCode(404)
                .body("title", equalTo("Unknown site"));
        // Platform paths answer on any host (probes reach pods by IP).
        given().header("Host", "nobody-registered-this.example").get("/q/health/live").then().statusCode(200);
    }

    @Test
    void serviceWorkerMayControlTheWholeSite() {
        given().get("/c2c/sw.js").then().statusCode(200)
                .header("Service-Worker-Allowed", "/")
                .contentType(containsString("javascript"));
    }
}
