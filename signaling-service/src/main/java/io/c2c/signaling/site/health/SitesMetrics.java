package io.c2c.signaling.site.health;

import io.c2c.signaling.site.repository.SiteLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Registry gauges on /q/metrics: sites in this pod's view, records it skipped as undecodable, whether it is loaded. */
@ApplicationScoped
public class SitesMetrics {

    private final SiteLog log;
    private final MeterRegistry registry;

    public SitesMetrics(SiteLog log, MeterRegistry registry) {
        this.log = log;
        this.registry = registry;
    }

    void register(@Observes StartupEvent event) {
        Gauge.builder("c2c.sites.registered", log, l -> l.store().siteCount())
                .description("sites in this pod's registry view").register(registry);
        Gauge.builder("c2c.sites.registry.skipped.records", log, l -> l.store().skippedRecords())
                .description("records of the sites topic this pod could not decode and skipped").register(registry);
        Gauge.builder("c2c.sites.registry.loaded", log, l -> l.loaded() ? 1 : 0)
                .description("1 once the view has read the whole sites topic").register(registry);
    }
}
