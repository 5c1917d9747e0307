package io.c2c.relay.protocol;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * MESSAGE-INTEGRITY-SHA256 (RFC 8489 section 14.6): HMAC-SHA256, possibly truncated to 16..32
 * bytes in steps of 4, computed like MESSAGE-INTEGRITY.
 */
public final class MessageIntegritySha256 {

    public static final int LENGTH = 32;

    private MessageIntegritySha256() {
    }

    static boolean verify(byte[] raw, int attributeOffset, byte[] key) {
        int length = StunMessage.readShort(raw, attributeOffset + 2);
        if (length < 16 || length > LENGTH || (length & 3) != 0) {
            return false;
        }
        byte[] received = Arrays.copyOfRange(raw, attributeOffset + 4, attributeOffset + 4 + length);
        byte[] copy = Arrays.copyOf(raw, attributeOffset);
        StunMessage.writeShort(copy, 2, attributeOffset - StunMessage.HEADER_LENGTH + 4 + length);
        byte[] computed = Arrays.copyOf(hmac(key, copy, attributeOffset), length);
        return MessageDigest.isEqual(received, computed);
    }

    static byte[] hmac(byte[] key, byte[] data, int length) {
        return MessageIntegrity.hmac("HmacSHA256", key, data, length);
    }
}
