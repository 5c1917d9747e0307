package io.c2c.signaling.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.signaling.config.SignalingConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** A second registry beside the application's, under its own pod id, against the harness's real Redis. */
@QuarkusTest
class PodRegistryTest {

    @Inject
    RedisDataSource redis;

    @Inject
    SignalingConfig config;

    @Test
    void aStoppedPodIsNotRegisteredAgainByALaterRefresh() {
        PodIdentity identity = new PodIdentity(config);
        PodRegistry registry = new PodRegistry(redis, identity, config);
        String key = PodRegistry.key(identity.podId());
        registry.refresh();
        assertTrue(redis.key().exists(key), "registered");
        registry.onStop(null);
        assertFalse(redis.key().exists(key), "removed at shutdown");
        registry.refresh(); // the scheduler may still fire between the shutdown event and its own stop
        assertFalse(redis.key().exists(key), "not registered again after the stop");
    }
}
