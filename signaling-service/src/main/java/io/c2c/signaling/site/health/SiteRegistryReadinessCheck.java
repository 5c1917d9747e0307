package io.c2c.signaling.site.health;

import io.c2c.signaling.site.SiteRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A pod is ready only once its registry view has read the whole {@code sites} topic: before, hosts would miss. */
@Readiness
@ApplicationScoped
public class SiteRegistryReadinessCheck implements HealthCheck {

    private final SiteRegistry registry;

    public SiteRegistryReadinessCheck(SiteRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("site registry view").status(registry.loaded()).build();
    }
}
