package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.support.WsClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Visitors' stats reports add up into their site's owner figures, which only that site's owner can read. */
@QuarkusTest
class SiteStatsTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    URI endpoint() {
        return WsClient.endpoint(base.getPort());
    }

    @Test
    void reportsOfAllVisitorsAddUpAndOnlyTheOwnerReadsThem() {
        String owner = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.verifyByDns(owner, Api.registerSite(owner, domain, "http://127.0.0.1:1"), domain);
        try (WsClient a = WsClient.hello(endpoint(), "http://" + domain, siteId);
             WsClient b = WsClient.hello(endpoint(), "http://" + domain, siteId)) {
            a.send("{\"type\":\"stats\",\"peerBytes\":1000,\"originBytes\":250,\"connections\":{\"host\":1},"
                    + "\"failures\":{\"bad-chunk\":1}}");
            b.send("{\"type\":\"stats\",\"peerBytes\":500,\"originBytes\":250,\"uploadedBytes\":1500,"
                    + "\"connections\":{\"relay\":1}}");
            a.send("{\"type\":\"stats\",\"id\":\"again\",\"peerBytes\":1}");
            JsonNode refused = a.await("error");
            assertEquals("rate-limited", refused.get("code").asText(), "one report per interval: " + refused);
            assertEquals("again", refused.get("re").asText());

            AtomicReference<JsonPath> figures = new AtomicReference<>();
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonPath now = as(owner).get("/api/v1/sites/" + siteId + "/stats?minutes=5").then().statusCode(200)
                        .extract().jsonPath();
                figures.set(now);
                return now.getLong("totals.uploadedBytes") == 1500 && now.getLong("peersOnline") == 2;
            });
            JsonPath stats = figures.get();
            assertEquals(siteId, stats.getString("siteId"));
            assertEquals(1500, stats.getLong("totals.peerBytes"));
            assertEquals(500, stats.getLong("totals.originBytes"));
            assertEquals(0.75, stats.getDouble("totals.peerShare"), 1e-9);
            assertEquals(Map.of("host", 1, "relay", 1), stats.getMap("totals.connectionsByType"));
            assertEquals(Map.of("bad-chunk", 1), stats.getMap("totals.failuresByReason"));
            assertEquals(5, stats.getList("series").size());
            assertEquals(1500L, stats.getList("series.peerBytes", Long.class).stream().mapToLong(Long::longValue).sum());
        }
        String stranger = Api.newOwner();
        as(stranger).get("/api/v1/sites/" + siteId + "/stats").then().statusCode(404);
        given().get("/api/v1/sites/" + siteId + "/stats").then().statusCode(401);
        as(owner).get("/api/v1/sites/" + siteId + "/stats?minutes=0").then().statusCode(400);
        as(owner).get("/api/v1/sites/" + siteId + "/stats?minutes=1441").then().statusCode(400);
    }

    @Test
    void madeUpFailureReasonsCannotGrowASitesFigures() {
        String owner = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.verifyByDns(owner, Api.registerSite(owner, domain, "http://127.0.0.1:1"), domain);
        for (int round = 0; round < 3; round++) {
            int base = round * 16;
            try (WsClient visitor = WsClient.hello(endpoint(), "http://" + domain, siteId)) {
                visitor.send("{\"type\":\"stats\",\"peerBytes\":1,\"failures\":{" + IntStream.range(base, base + 16)
                        .mapToObj(i -> "\"made-up-" + i + "\":1").collect(Collectors.joining(",")) + "}}");
                visitor.send("{\"type\":\"ping\"}");
                visitor.await("pong");
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                !redis.key().keys("c2c:stats:" + siteId + ":*").isEmpty());
        long total = 0;
        for (String key : redis.key().keys("c2c:stats:" + siteId + ":*")) {
            long fields = redis.hash(Long.class).hlen(key);
            assertTrue(fields <= 24, key + " holds " + fields + " fields, more than the configured 24");
            total += fields;
        }
        assertTrue(total >= 24 || redis.key().keys("c2c:stats:" + siteId + ":*").size() > 1,
                "the reports were stored up to the bound: " + total);
    }
}
