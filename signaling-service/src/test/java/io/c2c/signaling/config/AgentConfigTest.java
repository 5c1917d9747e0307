package io.c2c.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bootstrap's {@code agent} object from the operator's settings: pure mapping, so no Quarkus. */
class AgentConfigTest {

    record Policy(Optional<Duration> firstChunkDeadline, Optional<Duration> stall, Optional<Duration> chunkTimeout,
                  Optional<Duration> deadline) implements AgentConfig.FetchPolicy {
    }

    record Config(Optional<Duration> connectWait, Optional<Duration> connectTimeout,
                  Optional<AgentConfig.IceTransportPolicy> iceTransportPolicy, AgentConfig.FetchPolicy fetchPolicy)
            implements AgentConfig {
    }

    @Test
    void nothingSetIsAnEmptyObjectSoTheAgentKeepsItsDefaults() {
        Policy none = new Policy(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals(Map.of(), new Config(Optional.empty(), Optional.empty(), Optional.empty(), none).asBootstrap());
    }

    @Test
    void setKnobsBecomeTheAgentsMillisecondFields() {
        Policy policy = new Policy(Optional.of(Duration.ofMillis(100)), Optional.empty(), Optional.of(Duration.ofSeconds(2)),
                Optional.of(Duration.ofSeconds(30)));
        Config config = new Config(Optional.of(Duration.ZERO), Optional.empty(),
                Optional.of(AgentConfig.IceTransportPolicy.RELAY), policy);
        assertEquals(Map.of("connectWaitMs", 0L, "iceTransportPolicy", "relay",
                        "fetchPolicy", Map.of("firstChunkDeadlineMs", 100L, "chunkTimeoutMs", 2000L, "deadlineMs", 30000L)),
                config.asBootstrap());
    }
}
