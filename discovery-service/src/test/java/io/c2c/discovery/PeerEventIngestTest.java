package io.c2c.discovery;

import static io.c2c.discovery.TestEvents.hash;
import static io.c2c.discovery.TestEvents.heartbeat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c2c.contracts.event.AssetsAnnounced;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Events written with the real producer to the real broker reach the index, and the HTTP query
 * answers with the right peers in the right order; late, duplicate and poison records are handled.
 */
@QuarkusTest
class PeerEventIngestTest {

    static final String A = hash('a');
    static final String B = hash('b');

    @Test
    void rankedAnswersFromKafkaEvents() {
        String site = "site-" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        NetworkPosition me = new NetworkPosition("10.1.2.0/24", 64500, "DE", "eu-central");
        try (TestEvents events = new TestEvents(TestInfrastructure.kafka().bootstrapServers())) {
            events.send(heartbeat(site, "me", now, me, 0, 0, 1000, 0));
            events.send(heartbeat(site, "far", now, new NetworkPosition("192.0.2.0/24", 1, "US", "us"), 60, 80, 1000, 0, A));
            events.send(heartbeat(site, "same-asn", now, new NetworkPosition("10.1.9.0/24", 64500, "DE", "x"), 300, 0, 1000, 0, A));
            events.send(heartbeat(site, "same-prefix", now, me, 900, 0, 1000, 0, A, B));
            events.send(heartbeat(site, "busy", now, me, 1, 0, 1000, 1000, A));
            events.send(heartbeat(site, "country", now, new NetworkPosition("10.3.0.0/24", 3, "DE", "y"), 200, 0, 1000, 0, A));
        }
        JsonPath answer = awaitPeers(site, A, "me", 4);
        assertEquals(List.of("same-prefix", "same-asn", "country", "far"), answer.getList("peers.peerId"));
        assertEquals(List.of("same-prefix", "same-asn", "same-country", "rtt-estimate"), answer.getList("peers.reason"));
        assertEquals(102.0, answer.getDouble("peers[3].rttEstimateMs"), 0.01, "|(60,80)| + both heights");
        assertEquals(site, answer.getString("siteId"));
        assertEquals(A, answer.getString("asset"));
        assertEquals(false, answer.getBoolean("stale"));

        given().get("/api/v1/sites/{site}/assets/{hash}/peers?near=me&limit=2", site, A).then().statusCode(200)
                .body("peers.peerId", contains("same-prefix", "same-asn"));

        given().contentType("application/json")
                .body("{\"near\":\"me\",\"limit\":3,\"assets\":[\"" + B + "\",\"" + A + "\",\"" + hash('c') + "\"]}")
                .post("/api/v1/sites/{site}/peers/batch", site)
                .then().statusCode(200)
                .body("siteId", is(site))
                .body("stale", is(false))
                .body("results.asset", contains(B, A, hash('c')))
                .body("results[0].peers.peerId", contains("same-prefix"))
                .body("results[1].peers.peerId", contains("same-prefix", "same-asn", "country"))
                .body("results[2].peers", empty());
    }

    @Test
    void lateDuplicateAndPoisonRecords() {
        String site = "site-" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        try (TestEvents events = new TestEvents(TestInfrastructure.kafka().bootstrapServers())) {
            events.send(PeerJoined.of(site, "a", now, "pod-1", NetworkPosition.UNKNOWN, 100));
            events.send(site, "{not json".getBytes(StandardCharsets.UTF_8));
            events.send(site, "{\"type\":\"peer-joined\",\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8));
            events.send(site, null);
            events.send(PeerJoined.of(site, "b", now, "pod-1", NetworkPosition.UNKNOWN, 100));
            for (int i = 0; i < 3; i++) {
                events.send(AssetsAnnounced.of(site, "a", now + 1, List.of(A)));
                events.send(AssetsAnnounced.of(site, "b", now + 1, List.of(A)));
            }
        }
        awaitPeers(site, A, null, 2);
        try (TestEvents events = new TestEvents(TestInfrastructure.kafka().bootstrapServers())) {
            events.send(PeerLeft.of(site, "a", now + 10, "closed"));
            // Sent after the leave but happened before it: must not resurrect the peer.
            events.send(PeerJoined.of(site, "a", now + 5, "pod-1", NetworkPosition.UNKNOWN, 100));
            events.send(AssetsAnnounced.of(site, "a", now + 6, List.of(A)));
            events.send(AssetsAnnounced.of(site, "b", now + 11, List.of(B)));
        }
        awaitPeers(site, B, null, 1);
        given().get("/api/v1/sites/{site}/assets/{hash}/peers", site, A).then().statusCode(200)
                .body("peers.peerId", contains("b"));
        given().get("/api/v1/sites/{site}/swarm", site).then().statusCode(200).body("livePeers", is(1));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertEquals(true, metrics.contains("c2c_discovery_events_rejected_total{reason=\"undecodable\"}"));
        given().get("/q/metrics").then()
                .body(containsString("c2c_discovery_events_total{outcome=\"ignored_late\",type=\"PeerJoined\"}"))
                .body(containsString("c2c_discovery_consumer_lag{partition="))
                .body(containsString("c2c_discovery_index_peers "))
                .body(containsString("c2c_discovery_query_latency_seconds_bucket{kind=\"single\""))
                .body(containsString("c2c_discovery_queries_forwarded_total{outcome=\"ok\"}"));
        double rejected = Double.parseDouble(metrics.lines()
                .filter(l -> l.startsWith("c2c_discovery_events_rejected_total{reason=\"undecodable\"}"))
                .findFirst().orElseThrow().replaceAll(".* ", ""));
        assertEquals(true, rejected >= 3, "three undecodable records counted, got " + rejected);
    }

    @Test
    void silentPeersAreEvicted() {
        String site = "site-" + UUID.randomUUID();
        try (TestEvents events = new TestEvents(TestInfrastructure.kafka().bootstrapServers())) {
            events.send(heartbeat(site, "silent", System.currentTimeMillis(), NetworkPosition.UNKNOWN, 0, 0, 10, 0, A));
            events.send(heartbeat(site, "chatty", System.currentTimeMillis(), NetworkPosition.UNKNOWN, 0, 0, 5, 0, A));
            awaitPeers(site, A, null, 2);
            // Only "chatty" keeps heartbeating; the test profile's expiry is 6 s.
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                events.send(heartbeat(site, "chatty", System.currentTimeMillis(), NetworkPosition.UNKNOWN, 0, 0, 5, 0, A));
                return given().get("/api/v1/sites/{site}/assets/{hash}/peers", site, A).jsonPath()
                        .getList("peers.peerId").equals(List.of("chatty"));
            });
        }
    }

    @Test
    void healthAndOpenApi() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItem("peer-events index"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/api/v1/sites/{siteId}/assets/{hash}/peers"))
                .body(containsString("/api/v1/sites/{siteId}/peers/batch"));
    }

    static JsonPath awaitPeers(String site, String asset, String near, int expected) {
        JsonPath[] last = new JsonPath[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            var request = given();
            if (near != null) {
                request = request.queryParam("near", near);
            }
            last[0] = request.get("/api/v1/sites/{site}/assets/{hash}/peers", site, asset).then().statusCode(200)
                    .extract().jsonPath();
            return last[0].getList("peers").size() == expected;
        });
        return last[0];
    }
}
