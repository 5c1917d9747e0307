package io.c2c.signaling.routing;

import io.c2c.signaling.config.SignalingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The id under which this pod registers itself and receives cross-pod messages. */
@ApplicationScoped
public class PodIdentity {

    private final String podId;

    public PodIdentity(SignalingConfig config) {
        this.podId = config.podId()
                .filter(id -> !id.isBlank())
                .or(() -> java.util.Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()))
                .map(id -> id + "-" + randomSuffix())
                .orElseGet(() -> "pod-" + randomSuffix());
    }

    /**
     * A restarted pod gets a fresh id even with the same host name, so messages routed to its
     * previous incarnation never reach connections that did not exist then.
     */
    private static String randomSuffix() {
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public String podId() {
        return podId;
    }
}
