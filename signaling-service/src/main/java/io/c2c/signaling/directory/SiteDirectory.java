package io.c2c.signaling.directory;

import java.util.Optional;

/**
 * Which sites signaling serves and from which page origins. The configured implementation is a
 * stand-in until the site registry ({@code io.c2c.signaling.site}) provides verified domains.
 */
public interface SiteDirectory {

    /** The site with this id, if it is served. */
    Optional<SiteInfo> find(String siteId);
}
