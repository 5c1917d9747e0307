package io.c2c.relay.health;

import io.c2c.relay.config.RelayConfig;
import io.c2c.relay.registry.RelayNodeRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the registry heartbeat loop keeps running. A Redis outage does not make the node
 * "dead" (a restart would not bring Redis back; readiness covers it), but a stuck heartbeat loop
 * does: the node would silently drop out of the registry.
 */
@Liveness
@ApplicationScoped
public class HeartbeatLivenessCheck implements HealthCheck {

    private final RelayNodeRegistry registry;
    private final RelayConfig config;

    public HeartbeatLivenessCheck(RelayNodeRegistry registry, RelayConfig config) {
        this.registry = registry;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        long last = registry.lastAttemptAt();
        long age = last == 0 ? 0 : System.currentTimeMillis() - last;
        boolean live = age <= config.nodeTtl().toMillis();
        return HealthCheckResponse.named("relay registry heartbeat")
                .status(live)
                .withData("nodeId", registry.nodeId())
                .withData("lastAttemptAgeMillis", age)
                .build();
    }
}
