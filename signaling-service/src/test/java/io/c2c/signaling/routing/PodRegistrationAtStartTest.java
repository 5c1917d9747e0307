package io.c2c.signaling.routing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pod registers itself while it starts, not at the scheduler's first run: with an hour between
 * refreshes, only the start-up registration can have written the key.
 */
@QuarkusTest
@TestProfile(PodRegistrationAtStartTest.HourlyRefresh.class)
class PodRegistrationAtStartTest {

    public static class HourlyRefresh implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("c2c.signaling.pod-refresh-interval", "1h", "c2c.signaling.pod-ttl", "2h");
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    PodIdentity identity;

    @Test
    void thePodIsRegisteredOnceStarted() {
        assertTrue(redis.key().exists(PodRegistry.key(identity.podId())), "registered at start-up");
    }
}
