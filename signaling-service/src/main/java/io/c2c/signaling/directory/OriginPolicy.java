package io.c2c.signaling.directory;

import java.net.URI;
import java.util.Locale;

/**
 * Decides whether a handshake's Origin header belongs to a site: the origin's host (or
 * {@code host:port}) must equal one of the site's domains. Scheme is not compared: the platform
 * serves sites over https, and local test pages over http.
 */
public final class OriginPolicy {

    private OriginPolicy() {
    }

    public static boolean allows(SiteInfo site, String origin) {
        if (origin == null || origin.isBlank() || "null".equals(origin)) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (Exception e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String hostPort = uri.getPort() == -1 ? host : host + ":" + uri.getPort();
        for (String domain : site.domains()) {
            if (domain.equals(hostPort) || (domain.indexOf(':') < 0 && domain.equals(host))) {
                return true;
            }
        }
        return false;
    }
}
