package io.c2c.relay.auth;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: {@code <expiry-millis-hex>-<mac>}, the MAC binding the expiry to the client's
 * IP under a key that lives only in this process. Nothing is stored per client, a nonce cannot be
 * forged or moved to another source address, and it goes stale at its expiry (RFC 8489 9.2).
 */
public final class NonceService {

    /** Result of checking a nonce. */
    public enum Check { VALID, STALE, INVALID }

    private final byte[] key = new byte[32];
    private final Duration lifetime;
    private final Clock clock;

    public NonceService(Duration lifetime, Clock clock) {
        new SecureRandom().nextBytes(key);
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public String issue(InetAddress client) {
        long expiry = clock.millis() + lifetime.toMillis();
        return Long.toHexString(expiry) + "-" + mac(expiry, client);
    }

    public Check check(String nonce, InetAddress client) {
        int dash = nonce.indexOf('-');
        if (dash <= 0 || dash > 16) {
            return Check.INVALID;
        }
        long expiry;
        try {
            expiry = Long.parseUnsignedLong(nonce.substring(0, dash), 16);
        } catch (NumberFormatException e) {
            return Check.INVALID;
        }
        byte[] expected = mac(expiry, client).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, nonce.substring(dash + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Check.INVALID;
        }
        return clock.millis() < expiry ? Check.VALID : Check.STALE;
    }

    private String mac(long expiry, InetAddress client) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(8).putLong(expiry).array());
            mac.update(client.getAddress());
            byte[] full = mac.doFinal();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 12));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
