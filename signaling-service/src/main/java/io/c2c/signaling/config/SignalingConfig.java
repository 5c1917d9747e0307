package io.c2c.signaling.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Typed configuration of signaling-service ({@code c2c.signaling.*}); see docs/operations.md. */
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
}
