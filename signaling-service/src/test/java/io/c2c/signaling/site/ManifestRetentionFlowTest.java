package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.service.ManifestRetention;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Manifest retention by use, with the real registry and Redis: a superseded version stays while visitors use it
 * (a visitor fetching a path only the old version lists), and goes once unused for the grace; the current one
 * always stays. Time is moved by sweeping "later" rather than waiting an hour.
 */
@QuarkusTest
class ManifestRetentionFlowTest {

    @Inject
    ManifestRetention retention;

    @Inject
    RedisDataSource redis;

    @Inject
    SitesConfig config;

    @Test
    void anOldVersionStaysWhileUsedAndGoesAfterTheGrace() {
        String owner = Api.newOwner();
        String domain = Api.freshDomain();
        String dir = "/mr-" + UUID.randomUUID();
        SitesTestResource.originFile(dir + "/keep.txt", "one".getBytes(StandardCharsets.UTF_8));
        SitesTestResource.originFile(dir + "/old-only.txt", "old".getBytes(StandardCharsets.UTF_8));
        String siteId = Api.verifyByDns(owner, Api.registerSite(owner, domain,
                SitesTestResource.origin().url() + dir), domain);
        String v1 = as(owner).body(Map.of("paths", List.of("/keep.txt", "/old-only.txt")))
                .post("/api/v1/sites/" + siteId + "/collect").then().statusCode(200).extract().path("manifestId");
        given().header("Host", domain).get("/_c2c/bootstrap").then().statusCode(200)
                .body("manifest.manifestId", equalTo(v1));

        SitesTestResource.originFile(dir + "/keep.txt", "two".getBytes(StandardCharsets.UTF_8));
        String v2 = as(owner).body(Map.of("paths", List.of("/keep.txt")))
                .post("/api/v1/sites/" + siteId + "/collect").then().statusCode(200).extract().path("manifestId");
        assertNotEquals(v1, v2);
        // just superseded: the grace runs from now, nothing is due
        assertEquals(List.of(), retention.sweep(siteId, System.currentTimeMillis()));

        // A visitor still on v1 fetches a file only v1 lists: that is a use of v1, recorded in Redis.
        given().header("Host", domain).get("/_c2c/origin/old-only.txt").then().statusCode(200)
                .body(equalTo("old"));
        long used = System.currentTimeMillis();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                redis.hash(Long.class).hget("c2c:manifest-use:" + siteId, v1) != null);
        // a path of the current version is no use of the old one
        given().header("Host", domain).get("/_c2c/origin/keep.txt").then().statusCode(200).body(equalTo("two"));

        long grace = config.collect().unusedManifestGrace().toMillis();
        long minute = 60_000;
        assertEquals(List.of(), retention.sweep(siteId, used + grace - minute), "used within the grace");
        assertEquals(List.of(v1), retention.sweep(siteId, used + grace + minute), "unused for longer than the grace");
        as(owner).get("/api/v1/sites/" + siteId + "/manifests").then().statusCode(200)
                .body("currentManifestId", equalTo(v2))
                .body("manifests.manifestId", equalTo(List.of(v2)));
        as(owner).get("/api/v1/sites/" + siteId + "/manifests/" + v1).then().statusCode(404);
        // the old-only path is no longer served; the current version stays whatever the time
        given().header("Host", domain).get("/_c2c/origin/old-only.txt").then().statusCode(404);
        assertEquals(List.of(), retention.sweep(siteId, used + 1000 * grace));
        given().header("Host", domain).get("/_c2c/bootstrap").then().statusCode(200)
                .body("manifest.manifestId", equalTo(v2));
    }
}
