package io.c2c.signaling.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Operator overrides of the browser peer agent's timing ({@code c2c.agent.*}), sent to every shell in the bootstrap
 * answer's {@code agent} object (docs/browser.md, "Fetch scheduler and the deadline policy"). Unset knobs keep the
 * agent's own defaults, so an empty configuration sends an empty object.
 */
@ConfigMapping(prefix = "c2c.agent")
public interface AgentConfig {

    /** Longest a file request waits for discovery and a first connection to a holder (agent default 300 ms). */
    Optional<Duration> connectWait();

    /** A peer connection whose data channel is not open within this is abandoned (agent default 5 s). */
    Optional<Duration> connectTimeout();

    /**
     * {@code relay} makes every visitor connect to peers only through the TURN servers of the welcome (relay-service):
     * peers then never learn each other's addresses, at the cost of relay traffic. Unset: {@code all}.
     */
    Optional<IceTransportPolicy> iceTransportPolicy();

    /** The values of {@code RTCConfiguration.iceTransportPolicy}. */
    enum IceTransportPolicy {
        ALL, RELAY;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The fetch scheduler's deadlines. */
    FetchPolicy fetchPolicy();

    /** Deadlines of one file fetch. */
    interface FetchPolicy {

        /** No chunk verified from peers within this after the start: the origin gets the rest (default 500 ms). */
        Optional<Duration> firstChunkDeadline();

        /** No chunk verified from peers for this long later on: the origin gets the rest (default 1.5 s). */
        Optional<Duration> stall();

        /** A chunk not delivered by a peer within this is asked elsewhere (default 1.5 s). */
        Optional<Duration> chunkTimeout();

        /** Hard end of the peer phase of one fetch (default 10 s). */
        Optional<Duration> deadline();
    }

    /** The {@code agent} object of the bootstrap answer: only what is set, in the agent's millisecond fields. */
    default Map<String, Object> asBootstrap() {
        Map<String, Object> agent = new LinkedHashMap<>();
        connectWait().ifPresent(d -> agent.put("connectWaitMs", d.toMillis()));
        connectTimeout().ifPresent(d -> agent.put("connectTimeoutMs", d.toMillis()));
        iceTransportPolicy().ifPresent(p -> agent.put("iceTransportPolicy", p.wire()));
        Map<String, Object> policy = new LinkedHashMap<>();
        fetchPolicy().firstChunkDeadline().ifPresent(d -> policy.put("firstChunkDeadlineMs", d.toMillis()));
        fetchPolicy().stall().ifPresent(d -> policy.put("stallMs", d.toMillis()));
        fetchPolicy().chunkTimeout().ifPresent(d -> policy.put("chunkTimeoutMs", d.toMillis()));
        fetchPolicy().deadline().ifPresent(d -> policy.put("deadlineMs", d.toMillis()));
        if (!policy.isEmpty()) {
            agent.put("fetchPolicy", policy);
        }
        return agent;
    }
}
