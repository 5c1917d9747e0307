package io.c2c.contracts.site;

import java.util.List;

/**
 * What the site owner allows for peer-to-peer delivery.
 *
 * @param p2pEnabled                  serve from peers at all (off: everything comes from the origin proxy)
 * @param uploadCapBytesPerSecond     most a visitor uploads to other visitors
 * @param maxP2pFileBytes             larger files always come from the origin
 * @param allowedPaths                path prefixes served peer-to-peer; empty means all manifest paths
 */
public record SiteSettings(boolean p2pEnabled, long uploadCapBytesPerSecond, long maxP2pFileBytes,
                           List<String> allowedPaths) {

    public static final SiteSettings DEFAULTS = new SiteSettings(true, 256 * 1024, 64L * 1024 * 1024, List.of());

    public SiteSettings {
        if (uploadCapBytesPerSecond < 0 || maxP2pFileBytes < 0) {
            throw new IllegalArgumentException("caps must not be negative");
        }
        allowedPaths = allowedPaths == null ? List.of() : List.copyOf(allowedPaths);
    }
}
