package io.c2c.signaling.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed configuration of signaling-service ({@code c2c.signaling.*}); see docs/signaling-protocol.md. */
@ConfigMapping(prefix = "c2c.signaling")
public interface SignalingConfig {

    /** This pod's id in routing keys; defaults to the host name (the pod name in Kubernetes). */
    Optional<String> podId();

    /** Lifetime of the pod's registration in Redis without a refresh; a killed pod disappears after it. */
    @WithDefault("15s")
    Duration podTtl();

    /** How often a live pod refreshes its registration; well below {@link #podTtl()}. */
    @WithDefault("5s")
    Duration podRefreshInterval();

    /** Region name of this pod, passed to relay-service and put in peer events. */
    Optional<String> region();

    /** Sites served until the site registry exists: {@code c2c.signaling.sites.<id>.domains=a.example,b.example}. */
    Map<String, SiteEntry> sites();

    /** A configured site. */
    interface SiteEntry {
        /** Host names (optionally {@code host:port}) whose pages may open a signaling connection for the site. */
        List<String> domains();
    }

    /** Accept a connection whose handshake has no Origin header (non-browser clients); browsers always send one. */
    @WithDefault("false")
    boolean allowMissingOrigin();

    /** How often clients should send {@code ping}; announced in {@code welcome}. */
    @WithDefault("15s")
    Duration heartbeatInterval();

    /** A connection that sends nothing for this long is closed (4000). */
    @WithDefault("45s")
    Duration idleTimeout();

    /** A connection that has not said {@code hello} after this long is closed (4000). */
    @WithDefault("10s")
    Duration helloTimeout();

    /** How long a disconnected peer keeps its id, rooms and buffered messages for a resume. */
    @WithDefault("30s")
    Duration resumeGrace();

    /** How long a connected peer stays present without a refresh from its pod (a killed pod's peers go after it). */
    @WithDefault("30s")
    Duration presenceTtl();

    /** How often a pod refreshes the presence of its connected peers (and rebuilds it after a Redis loss). */
    @WithDefault("10s")
    Duration presenceRefreshInterval();

    /** How often each pod looks for peers whose presence expired, to tell their rooms. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Most messages kept for a detached peer; more are refused ({@code peer-unavailable}). */
    @WithDefault("256")
    int resumeBufferMax();

    /** Batching of messages routed through Redis to other pods or resume buffers. */
    RouteBatch routeBatch();

    /** Knobs of the route batches: under load many messages share one Redis call and one publish per pod. */
    interface RouteBatch {

        /** Most messages in one route call. */
        @WithDefault("128")
        int maxMessages();

        /**
         * Signals of one connection routed and not yet answered; a signal beyond it waits for its own outcome
         * before the connection's next message is read, which bounds what one connection keeps queued.
         */
        @WithDefault("64")
        int maxPerConnection();

        /** Most messages waiting for a route call; beyond it a message is refused ({@code internal}, retry). */
        @WithDefault("20000")
        int maxQueued();
    }

    /** Largest accepted text message in bytes (UTF-8). */
    @WithDefault("65536")
    int maxMessageBytes();

    /** Sustained messages per second per connection. */
    @WithDefault("50")
    double rateLimitPerSecond();

    /** Burst of messages per connection above the sustained rate. */
    @WithDefault("100")
    int rateLimitBurst();

    /** Protocol violations (malformed, unknown, oversized, rate-limited) a connection may commit before it is closed (1008). */
    @WithDefault("10")
    int maxViolations();

    /** One forgiven violation per this period. */
    @WithDefault("5s")
    Duration violationForgiveness();

    /** Most members of one room. */
    @WithDefault("256")
    int maxRoomMembers();

    /** Most rooms one peer can be in. */
    @WithDefault("16")
    int maxRoomsPerPeer();

    /** Most assets one peer can hold in its announced set. */
    @WithDefault("4096")
    int maxAssetsPerPeer();

    /** Most assets in one {@code have} or {@code drop} message. */
    @WithDefault("512")
    int maxAssetsPerMessage();

    /** Largest {@code limit} of a {@code find}. */
    @WithDefault("32")
    int maxFindLimit();

    /** Interval of the per-peer PeerHeartbeat event on {@code peer-events}. */
    @WithDefault("30s")
    Duration eventHeartbeatInterval();

    /** Least time between two {@code status} messages of one connection (a drop to no upload capacity is always taken). */
    @WithDefault("10s")
    Duration statusMinInterval();

    /** Peer events kept in memory while Kafka is slow or down; more are dropped and counted. */
    @WithDefault("10000")
    int eventBufferSize();

    /** Peer events handed to the Kafka producer and not yet acknowledged. */
    @WithDefault("100")
    int eventMaxInFlight();

    /**
     * At shutdown, how long peer events still waiting in the buffer may take to reach Kafka before the
     * rest is dropped and counted ({@code reason=shutdown}); no wait when the last send failed (Kafka down).
     */
    @WithDefault("2s")
    Duration eventShutdownFlushTimeout();

    /** Base URL of relay-service; when absent, ICE servers come from {@link #ice()}. */
    Optional<URI> relayUrl();

    /** Bearer token sent to relay-service. */
    Optional<String> relayToken();

    /** Base URL of discovery-service; when absent, {@code find} answers {@code not-available}. */
    Optional<URI> discoveryUrl();

    /** Timeout of calls to relay-service and discovery-service. */
    @WithDefault("2s")
    Duration upstreamTimeout();

    /** ICE servers used when relay-service is not configured or does not answer. */
    Ice ice();

    /** Static ICE configuration. */
    interface Ice {
        /** STUN/TURN URLs, e.g. {@code stun:127.0.0.1:3478}. */
        @WithDefault("stun:127.0.0.1:3478")
        List<String> urls();

        Optional<String> username();

        Optional<String> credential();

        @WithDefault("3600")
        long ttlSeconds();
    }

    /**
     * How long a stopping pod keeps answering with readiness DOWN (refusing new connections) before
     * it exits, so that load balancers notice; 0 when a Kubernetes preStop hook does the waiting.
     */
    @WithDefault("0s")
    Duration drainDelay();

    /**
     * Most frames one connection's flushes may merge into a single write within an event-loop iteration
     * (see {@code FlushCoalescing}); 0 or 1 flushes every frame on its own.
     */
    @WithDefault("64")
    int flushCoalescingLimit();

    /**
     * Tasks an event loop may have queued after reading a connection before that connection stops being
     * read until the loop has caught up (see {@code ConnectionBackpressure}); 0 = no such pause (a connection
     * whose message is waited for is still not read meanwhile).
     */
    @WithDefault("1024")
    int readPauseBacklog();

    /**
     * Bytes that may wait to be written to one connection (frames its peer has not read yet) before the
     * connection is closed as a slow reader; the peer may resume (see {@code ConnectionBackpressure}); 0 never closes.
     */
    @WithDefault("1048576")
    int maxUnreadBytes();

    /** How long a stopping pod waits for its reconnect messages and closes to go out. */
    @WithDefault("3s")
    Duration drainTimeout();
    /** Visitors' {@code stats} reports, aggregated per site for the owner (see docs/browser.md, "Owner figures"). */
    OwnerFigures stats();

    /** Knobs of the owner figures. */
    interface OwnerFigures {
        /** A connection may send one {@code stats} report per this interval; a faster one is refused (rate-limited). */
        @WithDefault("10s")
        Duration minInterval();

        /** How often each pod writes its per-site count of connected peers to Redis. */
        @WithDefault("10s")
        Duration onlineInterval();

        /** How long the per-minute figures are kept in Redis. */
        @WithDefault("25h")
        Duration retention();

        /** At most this many distinct figures (failure reasons included) per site and minute; more are dropped. */
        @WithDefault("64")
        int maxFieldsPerMinute();
    }
}
