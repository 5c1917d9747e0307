package io.c2c.signaling.directory;

import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.config.SignalingConfig;
import io.c2c.signaling.site.SiteRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Sites signaling serves: registered sites with peer-to-peer on and at least one verified domain
 * (only verified domains may open signaling connections), then the operator's configured sites
 * ({@code c2c.signaling.sites.*}, e.g. the local demo). The registry wins when both name a site.
 */
@ApplicationScoped
public class RegistrySiteDirectory implements SiteDirectory {

    private final SiteRegistry registry;
    private final ConfiguredSiteDirectory configured;

    public RegistrySiteDirectory(SiteRegistry registry, SignalingConfig config) {
        this.registry = registry;
        this.configured = new ConfiguredSiteDirectory(config);
    }

    @Override
    public Optional<SiteInfo> find(String siteId) {
        return registry.findById(siteId)
                .map(RegistrySiteDirectory::servedPart)
                .orElseGet(() -> configured.find(siteId));
    }

    /** A registered site as signaling may serve it; empty when it must not be served at all. */
    private static Optional<SiteInfo> servedPart(SiteRecord site) {
        if (!site.settings().p2pEnabled()) {
            return Optional.empty();
        }
        List<String> verified = site.domains().stream().filter(DomainClaim::verified).map(DomainClaim::name).toList();
        return verified.isEmpty() ? Optional.empty() : Optional.of(new SiteInfo(site.siteId(), verified));
    }
}
