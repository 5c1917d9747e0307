package io.c2c.relay.health;

import io.c2c.relay.registry.RelayNodeRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the node's heartbeat has registered it in Redis. The listeners are up before that first
 * heartbeat, but until it runs no ice-servers answer can name this node, and on a fresh deployment the
 * endpoint would answer 503 (no node) although a relay reports ready.
 */
@Readiness
@ApplicationScoped
public class RegisteredReadinessCheck implements HealthCheck {

    private final RelayNodeRegistry registry;

    public RegisteredReadinessCheck(RelayNodeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("relay node registered")
                .status(registry.registered())
                .withData("nodeId", registry.nodeId())
                .build();
    }
}
