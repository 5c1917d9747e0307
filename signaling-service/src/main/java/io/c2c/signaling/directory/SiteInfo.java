package io.c2c.signaling.directory;

import java.util.List;
import java.util.Locale;

/**
 * A served site as signaling needs it: its id and the domains whose pages may connect.
 *
 * @param domains host names, lower case, optionally with {@code :port}
 */
public record SiteInfo(String id, List<String> domains) {

    public SiteInfo {
        domains = domains.stream().map(d -> d.trim().toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty()).toList();
    }
}
