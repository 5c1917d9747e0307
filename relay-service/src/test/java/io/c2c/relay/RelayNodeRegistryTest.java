package io.c2c.relay;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.registry.RelayNodeRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The node registers itself in the real Redis of the harness, with a TTL so a crashed node drops out. */
@QuarkusTest
class RelayNodeRegistryTest {

    @Inject
    RedisDataSource redis;

    @Inject
    RelayNodeRegistry registry;

    @Inject
    io.c2c.relay.service.RelayService relay;

    @Test
    void nodeIsRegisteredWithAddressAndTtl() {
        String key = RelayNodeRegistry.nodeKey(registry.nodeId());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !redis.hash(String.class).hgetall(key).isEmpty());

        Map<String, String> node = redis.hash(String.class).hgetall(key);
        assertEquals("127.0.0.1", node.get("publicAddress"));
        assertEquals(Integer.toString(relay.listeners().udpAddress().getPort()), node.get("port"));
        assertEquals("0", node.get("allocations"));
        assertEquals("false", node.get("draining"));
        long ttl = redis.key().pttl(key);
        assertTrue(ttl > 0 && ttl <= 15_000, "ttl " + ttl);
        assertNotNull(redis.sortedSet(String.class).zscore(RelayNodeRegistry.NODES_KEY, registry.nodeId()));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(registry::registered);
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItems("Redis connection health check", "relay node registered"));
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItems("relay registry heartbeat"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().get("/q/openapi?format=json").then().statusCode(200).body("openapi", org.hamcrest.Matchers.startsWith("3."));
    }
}
