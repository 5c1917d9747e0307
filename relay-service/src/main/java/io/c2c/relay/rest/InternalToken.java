package io.c2c.relay.rest;

import io.c2c.relay.config.RelayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Checks the {@code Authorization: Bearer <internal token>} header of internal API calls in constant time
 * against every configured token (more than one during a rotation).
 */
@ApplicationScoped
public class InternalToken {

    private final List<byte[]> expected;

    public InternalToken(RelayConfig config) {
        this.expected = config.api().internalTokens().stream()
                .map(token -> ("Bearer " + token).getBytes(StandardCharsets.UTF_8)).toList();
    }

    public boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        byte[] presented = authorization.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] token : expected) {
            match |= MessageDigest.isEqual(token, presented);
        }
        return match;
    }
}
