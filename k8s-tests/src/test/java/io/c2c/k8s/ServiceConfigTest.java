package io.c2c.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the services' configuration the way Quarkus does in production. */
class ServiceConfigTest {

    @Test
    void environmentNamesFollowQuarkus() {
        assertEquals("C2C_RELAY_RELAY_MIN_PORT", ServiceConfig.envName("c2c.relay.relay.min-port"));
        assertEquals("QUARKUS_HTTP_PORT", ServiceConfig.envName("quarkus.http.port"));
        assertEquals("MP_MESSAGING_OUTGOING_PEER_EVENTS_TOPIC", ServiceConfig.envName("mp.messaging.outgoing.peer-events.topic"));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(3), ServiceConfig.parseDuration("3s"));
        assertEquals(Duration.ofMillis(500), ServiceConfig.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(10), ServiceConfig.parseDuration("10m"));
        assertEquals(Duration.ofHours(1), ServiceConfig.parseDuration("1h"));
        assertEquals(Duration.ofSeconds(7), ServiceConfig.parseDuration("7"));
        assertEquals(Duration.ofSeconds(90), ServiceConfig.parseDuration("PT90S"));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parseDuration("soon"));
    }

    @Test
    void productionValuesIgnoreProfilesAndTakeTheEnvironment() {
        ServiceConfig relay = ServiceConfig.of("relay-service");
        // %test.c2c.relay.drain-timeout=0s must not leak into the production view.
        assertEquals(Duration.ofSeconds(60), relay.duration("c2c.relay.drain-timeout"));
        assertEquals(49152, relay.intValue("c2c.relay.relay.min-port"));
        ServiceConfig overridden = relay.withEnvironment(Map.of("C2C_RELAY_DRAIN_TIMEOUT", "2h"));
        assertEquals(Duration.ofHours(2), overridden.duration("c2c.relay.drain-timeout"));
        // ${C2C_TURN_SECRETS:default} expands from the environment.
        assertEquals("a,b", relay.withEnvironment(Map.of("C2C_TURN_SECRETS", "a,b")).require("c2c.relay.auth.secrets"));
        assertFalse(relay.get("c2c.relay.no-such-key").isPresent());
        assertThrows(IllegalStateException.class, () -> relay.require("c2c.relay.no-such-key"));
    }

    @Test
    void healthPathsFromTheConfiguration() {
        ServiceConfig signaling = ServiceConfig.of("signaling-service");
        assertEquals("/q/health", HealthPaths.healthRoot(signaling));
        ServiceConfig moved = signaling.withEnvironment(Map.of("QUARKUS_HTTP_NON_APPLICATION_ROOT_PATH", "/ops",
                "QUARKUS_SMALLRYE_HEALTH_ROOT_PATH", "hc"));
        assertEquals("/ops/hc", HealthPaths.healthRoot(moved));
        assertEquals("/ops", HealthPaths.nonApplicationRoot(moved));
    }

    @Test
    void metricCatalogReadsTheMicrometerRegistrations() {
        MetricCatalog catalog = MetricCatalog.fromSources(ManifestInvariants.MODULES.toArray(String[]::new));
        assertTrue(catalog.exports("c2c_signaling_connections"), "gauge");
        assertTrue(catalog.exports("c2c_relay_allocations"), "gauge");
        assertTrue(catalog.exports("c2c_relay_errors_total"), "counter");
        assertTrue(catalog.exports("c2c_discovery_consumer_lag"), "gauge");
        assertTrue(catalog.exports("c2c_discovery_index_peers"), "gauge through SwarmIndex's helper");
        assertTrue(catalog.exports("c2c_signaling_delivery_latency_seconds_bucket"), "timer histogram");
        assertFalse(catalog.exports("c2c_relay_allocations_total"), "a gauge has no _total");
        assertEquals(java.util.Set.of("c2c_nothing"), catalog.unknownIn("sum(c2c_nothing) / sum(c2c_relay_allocations)"));
    }
}
