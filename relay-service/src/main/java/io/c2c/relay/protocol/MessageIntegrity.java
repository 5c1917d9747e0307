package io.c2c.relay.protocol;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MESSAGE-INTEGRITY (RFC 8489 section 14.5): HMAC-SHA1 over the message up to the attribute,
 * with the header length field set as if the attribute were the last one. Also derives the
 * long-term credential key MD5(username ":" realm ":" password) (section 9.2.2).
 */
public final class MessageIntegrity {

    public static final int LENGTH = 20;

    private MessageIntegrity() {
    }

    static boolean verify(byte[] raw, int attributeOffset, byte[] key) {
        byte[] expected = StunMessage.readShort(raw, attributeOffset + 2) == LENGTH
                ? Arrays.copyOfRange(raw, attributeOffset + 4, attributeOffset + 4 + LENGTH) : null;
        if (expected == null) {
            return false;
        }
        byte[] copy = Arrays.copyOf(raw, attributeOffset);
        StunMessage.writeShort(copy, 2, attributeOffset - StunMessage.HEADER_LENGTH + 4 + LENGTH);
        return MessageDigest.isEqual(expected, hmac(key, copy, attributeOffset));
    }

    static byte[] hmac(byte[] key, byte[] data, int length) {
        return hmac("HmacSHA1", key, data, length);
    }

    static byte[] hmac(String algorithm, byte[] key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            // An empty key is legal in STUN (RFC 8489 allows it for short-term credentials) but not for SecretKeySpec.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    /** The long-term credential key: MD5(username:realm:password). */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5").digest(
                    (username + ":" + realm + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }
}
