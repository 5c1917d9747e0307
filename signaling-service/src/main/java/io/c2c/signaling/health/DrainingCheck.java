package io.c2c.signaling.health;

import io.c2c.signaling.session.DrainState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness DOWN from the moment the pod starts stopping, so load balancers send no new connections. */
@Readiness
@ApplicationScoped
public class DrainingCheck implements HealthCheck {

    private final DrainState drain;

    public DrainingCheck(DrainState drain) {
        this.drain = drain;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Signaling accepting connections").status(!drain.draining()).build();
    }
}
