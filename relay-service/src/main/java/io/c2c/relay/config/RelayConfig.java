package io.c2c.relay.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Typed configuration of a relay node ({@code c2c.relay.*}); see docs/operations.md. */
@ConfigMapping(prefix = "c2c.relay")
public interface RelayConfig {

    /** Id of this node in the registry; defaults to the host name plus a random suffix. */
    Optional<String> nodeId();

    /** The address clients reach this node at (in Kubernetes: the node's public IP). */
    String publicAddress();

    /** STUN/TURN listening port, UDP and TCP. */
    @WithDefault("3478")
    int listenPort();

    /** Region name used to pick a node near the peer. */
    @WithDefault("local")
    String region();

    /** How often the node refreshes its registry entry. */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /** Lifetime of the registry entry without a refresh: a crashed node drops out after it. */
    @WithDefault("15s")
    Duration nodeTtl();
}
