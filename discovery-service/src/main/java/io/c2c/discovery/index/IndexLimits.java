package io.c2c.discovery.index;

import java.time.Duration;

/**
 * The bounds one site index works within.
 *
 * @param dimensions      Vivaldi vector dimensions kept per peer (extra components are dropped, missing ones are 0)
 * @param peerExpiry      a peer with no event for this long is evicted; also how long a departed peer's tombstone lives
 * @param maxPeers        live peers plus tombstones per site; events for new peers beyond it are refused
 * @param maxAssetsPerPeer assets kept per peer; the rest of an announcement is dropped
 * @param maxScan         members visited per candidate source in one query (bounds query cost on huge swarms)
 * @param reportThreshold reports ({@code PeerReported}) after which a peer is no longer recommended
 */
public record IndexLimits(int dimensions, Duration peerExpiry, int maxPeers, int maxAssetsPerPeer, int maxScan,
                          int reportThreshold) {

    /** The default report threshold. */
    public static final int DEFAULT_REPORT_THRESHOLD = 2;

    public IndexLimits(int dimensions, Duration peerExpiry, int maxPeers, int maxAssetsPerPeer, int maxScan) {
        this(dimensions, peerExpiry, maxPeers, maxAssetsPerPeer, maxScan, DEFAULT_REPORT_THRESHOLD);
    }
}
