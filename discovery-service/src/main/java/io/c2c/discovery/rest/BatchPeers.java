package io.c2c.discovery.rest;

import java.util.List;

/** Answer of the batch query: one entry per requested hash, in request order. */
public record BatchPeers(String siteId, boolean stale, List<Result> results) {

    /** Peers for one hash. */
    public record Result(String asset, List<PeerView> peers) {
    }
}
