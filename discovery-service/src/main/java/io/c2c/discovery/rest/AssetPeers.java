package io.c2c.discovery.rest;

import java.util.List;

/** Answer of the single-asset query: signaling-service depends on exactly this shape. */
public record AssetPeers(String siteId, String asset, boolean stale, List<PeerView> peers) {
}
