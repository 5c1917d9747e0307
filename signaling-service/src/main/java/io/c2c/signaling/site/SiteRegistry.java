package io.c2c.signaling.site;

import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.site.config.LocalDemo;
import io.c2c.signaling.site.repository.SiteLog;
import io.c2c.signaling.site.validation.Hostnames;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Look-ups in this pod's in-memory view of the site registry, for the rest of the service (Origin checks, the
 * bootstrap page, signaling): no network call, one map hit. Only verified domains are found by host.
 */
@ApplicationScoped
public class SiteRegistry {

    private final SiteLog log;
    private final LocalDemo localDemo;

    public SiteRegistry(SiteLog log, LocalDemo localDemo) {
        this.log = log;
        this.localDemo = localDemo;
    }

    /**
     * The site served under {@code host} (an HTTP Host header or an Origin's host: case, a port and a trailing
     * dot are ignored, IDNs are matched in punycode). Empty for unknown hosts and for unverified domains.
     */
    public Optional<SiteRecord> findByHost(String host) {
        String demoHost = localDemo.localHost(host);
        if (demoHost != null) {
            return log.store().siteByHost(demoHost);
        }
        return Hostnames.forLookup(host).flatMap(h -> log.store().siteByHost(h));
    }

    public Optional<SiteRecord> findById(String id) {
        return log.store().site(id);
    }

    /** Whether the view has read the whole topic once since start (until then look-ups may miss). */
    public boolean loaded() {
        return log.loaded();
    }
}
