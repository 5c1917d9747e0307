package io.c2c.relay.protocol;

import java.util.zip.CRC32;

/**
 * FINGERPRINT (RFC 8489 section 14.7): CRC-32 of the message up to the attribute, XORed with
 * 0x5354554e. A message whose fingerprint does not match is not STUN and is rejected.
 */
public final class Fingerprint {

    public static final int XOR = 0x5354554e;

    private Fingerprint() {
    }

    static int compute(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return (int) crc.getValue() ^ XOR;
    }

    static void verify(byte[] raw, int attributeOffset, byte[] value) throws StunException {
        if (value.length != 4) {
            throw new StunException("FINGERPRINT of length " + value.length);
        }
        if (StunMessage.readInt(value, 0) != compute(raw, attributeOffset)) {
            throw new StunException(StunException.DISCARD, "FINGERPRINT mismatch");
        }
    }
}
