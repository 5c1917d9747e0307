package io.c2c.contracts.site;

import java.util.List;
import java.util.Set;

/**
 * What the site owner allows for peer-to-peer delivery.
 *
 * @param p2pEnabled                  serve from peers at all (off: everything comes from the origin proxy)
 * @param uploadCapBytesPerSecond     most a visitor uploads to other visitors
 * @param maxP2pFileBytes             larger files always come from the origin
 * @param allowedPaths                path prefixes served peer-to-peer; empty means all manifest paths
 * @param globalPrivacyControl        how a visitor's Global Privacy Control signal is honoured: {@value #GPC_NO_UPLOAD}
 *                                    (the default: such a visitor never uploads to others), {@value #GPC_ORIGIN_ONLY}
 *                                    (it takes no part in the swarm at all, downloading from the origin only) or
 *                                    {@value #GPC_IGNORE}. Absent in records written before the setting existed: the
 *                                    default. A value this version does not know is kept as is (a newer writer);
 *                                    the browser agent treats it as {@value #GPC_NO_UPLOAD}.
 */
public record SiteSettings(boolean p2pEnabled, long uploadCapBytesPerSecond, long maxP2pFileBytes,
                           List<String> allowedPaths, String globalPrivacyControl) {

    public static final String GPC_NO_UPLOAD = "no-upload";
    public static final String GPC_ORIGIN_ONLY = "origin-only";
    public static final String GPC_IGNORE = "ignore";
    /** The modes this version writes. */
    public static final Set<String> GPC_MODES = Set.of(GPC_NO_UPLOAD, GPC_ORIGIN_ONLY, GPC_IGNORE);

    public static final SiteSettings DEFAULTS = new SiteSettings(true, 256 * 1024, 64L * 1024 * 1024, List.of(),
            GPC_NO_UPLOAD);

    public SiteSettings {
        if (uploadCapBytesPerSecond < 0 || maxP2pFileBytes < 0) {
            throw new IllegalArgumentException("caps must not be negative");
        }
        allowedPaths = allowedPaths == null ? List.of() : List.copyOf(allowedPaths);
        globalPrivacyControl = globalPrivacyControl == null ? GPC_NO_UPLOAD : globalPrivacyControl;
    }

    /** Settings with the default Global Privacy Control handling. */
    public SiteSettings(boolean p2pEnabled, long uploadCapBytesPerSecond, long maxP2pFileBytes, List<String> allowedPaths) {
        this(p2pEnabled, uploadCapBytesPerSecond, maxP2pFileBytes, allowedPaths, GPC_NO_UPLOAD);
    }
}
