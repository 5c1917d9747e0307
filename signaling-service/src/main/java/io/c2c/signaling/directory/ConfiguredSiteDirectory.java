package io.c2c.signaling.directory;

import io.c2c.signaling.config.SignalingConfig;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Sites from {@code c2c.signaling.sites.<id>.domains}. A {@link DefaultBean}: the site registry
 * replaces it by providing another {@link SiteDirectory} bean.
 */
@ApplicationScoped
@DefaultBean
public class ConfiguredSiteDirectory implements SiteDirectory {

    private final Map<String, SiteInfo> sites;

    public ConfiguredSiteDirectory(SignalingConfig config) {
        this.sites = config.sites().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                        e -> new SiteInfo(e.getKey(), e.getValue().domains())));
    }

    @Override
    public Optional<SiteInfo> find(String siteId) {
        return Optional.ofNullable(sites.get(siteId));
    }
}
