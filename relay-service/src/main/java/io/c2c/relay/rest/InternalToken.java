package io.c2c.relay.rest;

import io.c2c.relay.config.RelayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks the {@code Authorization: Bearer <internal token>} header of internal API calls in constant time. */
@ApplicationScoped
public class InternalToken {

    private final byte[] expected;

    public InternalToken(RelayConfig config) {
        this.expected = ("Bearer " + config.api().internalToken()).getBytes(StandardCharsets.UTF_8);
    }

    public boolean accepts(String authorization) {
        return authorization != null
                && MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8));
    }
}
