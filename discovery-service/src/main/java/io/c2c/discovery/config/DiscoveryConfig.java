package io.c2c.discovery.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Typed configuration of discovery-service; every knob is documented in docs/discovery.md. */
@ConfigMapping(prefix = "c2c.discovery")
public interface DiscoveryConfig {

    /** The in-memory index. */
    Index index();

    /** Consuming peer-events. */
    Feed feed();

    /** The query API. */
    Query query();

    /** Forwarding queries to the instance that owns a site. */
    Routing routing();

    interface Index {
        /** A peer with no event for this long is evicted (a few heartbeat intervals). */
        @WithDefault("45s")
        Duration peerExpiry();

        /** How often the eviction sweep runs. */
        @WithDefault("2s")
        Duration sweepInterval();

        /** Peer handles visited per site per sweep step (bounds the time the write lock is held). */
        @WithDefault("65536")
        int sweepBatch();

        /** Live peers plus tombstones per site; events for new peers beyond it are refused and counted. */
        @WithDefault("2000000")
        int maxPeersPerSite();

        /** Assets indexed per peer; the rest of a larger announcement is dropped. */
        @WithDefault("4096")
        int maxAssetsPerPeer();

        /** Vivaldi vector dimensions kept per peer. */
        @WithDefault("8")
        int vivaldiDimensions();

        /**
         * Reports of bad chunks or protocol violations ({@code PeerReported}, validated and rate-limited by
         * signaling) after which a peer is no longer recommended, until it leaves.
         */
        @WithDefault("2")
        int reportThreshold();
    }

    interface Feed {
        /** The topic to consume. */
        @WithDefault("peer-events")
        String topic();

        /** Consumer group shared by every discovery instance. */
        @WithDefault("discovery-service")
        String groupId();

        /**
         * How far back a newly assigned partition is re-read (by record timestamp): a bit more
         * than signaling's heartbeat interval, so every live peer's latest heartbeat is seen.
         */
        @WithDefault("20s")
        Duration rebuildWindow();

        /** Answers are marked stale when the broker has not been reached for this long. */
        @WithDefault("10s")
        Duration staleAfter();

        /** How often end offsets are fetched (lag metrics, catch-up and broker reachability). */
        @WithDefault("1s")
        Duration lagCheckInterval();

        /** Consumer group session timeout: how soon a dead instance's partitions move. */
        @WithDefault("6s")
        Duration sessionTimeout();

        /** Consumer group heartbeat interval: how soon a survivor learns of a rebalance (under a third of the session timeout). */
        @WithDefault("1s")
        Duration heartbeatInterval();

        /** Maximum records returned by one poll. */
        @WithDefault("2000")
        int maxPollRecords();

        /**
         * Worker threads decoding a polled batch while the consumer thread applies the previous
         * one (decoding is most of the ingest cost; applying stays on the consumer thread, in
         * order). Default: the number of available processors.
         */
        java.util.Optional<Integer> decodeThreads();

        /** Whether the consumer runs at all (off only for tests of pure HTTP behaviour). */
        @WithDefault("true")
        boolean enabled();
    }

    interface Query {
        /** Largest {@code limit} accepted. */
        @WithDefault("50")
        int maxLimit();

        /** {@code limit} when the caller gives none. */
        @WithDefault("10")
        int defaultLimit();

        /** Most hashes in one batch request. */
        @WithDefault("64")
        int maxBatchAssets();

        /** Members visited per candidate source in one query; bounds query cost for huge swarms. */
        @WithDefault("2048")
        int maxScan();
    }

    interface Routing {
        /**
         * This instance's HTTP base URL as other instances reach it (e.g. http://10.0.0.5:8090).
         * Put in the consumer's client id so any instance can find a partition's owner.
         * Default: http://127.0.0.1:{http port}.
         */
        Optional<String> advertisedUrl();

        /** How long a learned partition-to-owner map is reused before asking the group coordinator again. */
        @WithDefault("2s")
        Duration ownerCacheTtl();

        /** Timeout of one forwarded query. */
        @WithDefault("2s")
        Duration forwardTimeout();
    }
}
