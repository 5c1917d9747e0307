package io.c2c.relay.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.Lifetime;
import io.c2c.relay.registry.RelayNodeRegistry;
import io.c2c.relay.server.TurnTestClient;
import io.c2c.relay.service.RelayService;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/ice-servers}: authentication, validation, the exact shape signaling-service
 * relies on, node choice from the real Redis registry, and credentials that really work against
 * the TURN server.
 */
@QuarkusTest
class IceServersResourceTest {

    private static final String TOKEN = "Bearer test-internal-token";

    @Inject
    RelayService relay;

    @Inject
    RelayNodeRegistry registry;

    @Inject
    RedisDataSource redis;

    @Test
    void requiresTheInternalToken() {
        given().get("/api/v1/ice-servers?site=s&peer=p").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get("/api/v1/ice-servers?site=s&peer=p").then().statusCode(401);
        given().header("Authorization", "test-internal-token").get("/api/v1/ice-servers?site=s&peer=p").then().statusCode(401);
        // during a rotation both configured tokens are accepted (400: past authentication, into validation)
        given().header("Authorization", "Bearer test-internal-token-next").get("/api/v1/ice-servers?site=s").then().statusCode(400);
        given().header("Authorization", "Bearer test-internal-token-nex").get("/api/v1/ice-servers?site=s").then().statusCode(401);
    }

    @Test
    void validatesSiteAndPeer() {
        given().header("Authorization", TOKEN).get("/api/v1/ice-servers?site=s").then().statusCode(400);
        given().header("Authorization", TOKEN).get("/api/v1/ice-servers?site=a:b&peer=p").then().statusCode(400);
        given().header("Authorization", TOKEN).get("/api/v1/ice-servers?site=s&peer=" + "x".repeat(129)).then().statusCode(400);
    }

    @Test
    void answersTheShapeSignalingUsesWithWorkingCredentials() throws Exception {
        awaitRegistered();
        int port = relay.listeners().udpAddress().getPort();
        JsonPath json = given().header("Authorization", TOKEN)
                .get("/api/v1/ice-servers?site=site-ice&peer=peer-7&region=local")
                .then().statusCode(200)
                .body("iceServers", hasSize(2))
                .body("iceServers[0].urls", contains("stun:127.0.0.1:" + port))
                .body("iceServers[1].urls", contains("turn:127.0.0.1:" + port + "?transport=udp",
                        "turn:127.0.0.1:" + port + "?transport=tcp"))
                .body("ttlSeconds", is(3600))
                .extract().jsonPath();
        String username = json.getString("iceServers[1].username");
        String credential = json.getString("iceServers[1].credential");
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        long now = System.currentTimeMillis() / 1000;
        assertTrue(expiry > now + 3500 && expiry <= now + 3601, "expires in the TTL");
        assertTrue(username.endsWith(":site-ice:peer-7"), username);
        assertEquals(1, ((Map<?, ?>) json.getList("iceServers").get(0)).size(), "the STUN entry has urls only");

        try (TurnTestClient client = TurnTestClient.udp(relay.listeners().udpAddress())) {
            client.credentials(username, credential);
            assertEquals(StunClass.SUCCESS, client.allocate().messageClass());
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void picksTheLeastLoadedNonDrainingNodeOfTheRegion() {
        awaitRegistered();
        putNode("ice-test-busy", "198.51.100.1", "eu-test", 50, false);
        putNode("ice-test-idle", "198.51.100.2", "eu-test", 1, false);
        putNode("ice-test-draining", "198.51.100.3", "eu-test", 0, true);
        try {
            given().header("Authorization", TOKEN).get("/api/v1/ice-servers?site=s&peer=p&region=eu-test")
                    .then().statusCode(200).body("iceServers[0].urls", contains("stun:198.51.100.2:3478"));
            // Another region's peer: the region has no node, so the least-loaded anywhere (this node, 0 allocations,
            // or the idle test node) — never the draining one.
            String chosen = given().header("Authorization", TOKEN).get("/api/v1/ice-servers?site=s&peer=p&region=mars")
                    .then().statusCode(200).extract().jsonPath().getString("iceServers[0].urls[0]");
            assertTrue(!chosen.contains("198.51.100.3"), chosen);
        } finally {
            for (String id : List.of("ice-test-busy", "ice-test-idle", "ice-test-draining")) {
                redis.key().del(RelayNodeRegistry.nodeKey(id));
                redis.sortedSet(String.class).zrem(RelayNodeRegistry.NODES_KEY, id);
            }
        }
    }

    private void putNode(String id, String address, String region, long allocations, boolean draining) {
        String key = RelayNodeRegistry.nodeKey(id);
        redis.hash(String.class).hset(key, Map.of("nodeId", id, "publicAddress", address, "port", "3478",
                "region", region, "allocations", Long.toString(allocations), "relayedBytesPerSecond", "0",
                "draining", Boolean.toString(draining), "heartbeatAt", Long.toString(System.currentTimeMillis())));
        redis.key().pexpire(key, Duration.ofSeconds(30));
        redis.sortedSet(String.class).zadd(RelayNodeRegistry.NODES_KEY, System.currentTimeMillis(), id);
    }

    private void awaitRegistered() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> !redis.hash(String.class).hgetall(RelayNodeRegistry.nodeKey(registry.nodeId())).isEmpty());
    }
}
