package io.c2c.signaling.site.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The platform's own API host names ({@code c2c.sites.api-hosts}), and the one way to read the host
 * out of a {@code Host} header: shared by the owner API's filter and the front door so they cannot
 * disagree about which host is which.
 */
@ApplicationScoped
public class ApiHosts {

    private final Set<String> hosts;

    public ApiHosts(SitesConfig config) {
        this.hosts = config.apiHosts().orElse(List.of()).stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).collect(Collectors.toSet());
    }

    /** False when no API hosts are configured (the owner API then answers on every host). */
    public boolean restricted() {
        return !hosts.isEmpty();
    }

    /** Whether the {@code Host} header names one of the configured API hosts. */
    public boolean isApiHost(String hostHeader) {
        return hosts.contains(hostOf(hostHeader));
    }

    /** The host of a {@code Host} header, lower case, without port; IPv6 literals keep their brackets. */
    public static String hostOf(String header) {
        if (header == null) {
            return "";
        }
        String host = header.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
