package io.c2c.relay.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A decoded STUN message (RFC 8489 section 5): type, transaction id and attributes, with the raw
 * bytes kept so MESSAGE-INTEGRITY can be checked over exactly what was received.
 *
 * <p>Decoding checks every length before reading: header size, the two zero bits, the magic
 * cookie, a body length that is a multiple of 4 and matches the bytes given, each attribute's
 * header and padded value inside the body, the attribute count, and FINGERPRINT if present.
 */
public final class StunMessage {

    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int TRANSACTION_ID_LENGTH = 12;
    /** Bounds the work per packet: more attributes than this is an attack or a bug. */
    public static final int MAX_ATTRIBUTES = 64;

    private final MessageType type;
    private final byte[] transactionId;
    private final List<RawAttribute> attributes;
    private final byte[] raw;
    private final int integrityOffset;
    private final int integritySha256Offset;

    private StunMessage(MessageType type, byte[] transactionId, List<RawAttribute> attributes, byte[] raw,
                        int integrityOffset, int integritySha256Offset) {
        this.type = type;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.raw = raw;
        this.integrityOffset = integrityOffset;
        this.integritySha256Offset = integritySha256Offset;
    }

    /** Whether the bytes start like a STUN message (top two bits zero and the magic cookie), without decoding. */
    public static boolean looksLikeStun(byte[] buf, int off, int len) {
        return len >= HEADER_LENGTH && (buf[off] & 0xC0) == 0 && readInt(buf, off + 4) == MAGIC_COOKIE;
    }

    public static StunMessage decode(byte[] buf) throws StunException {
        return decode(buf, 0, buf.length);
    }

    public static StunMessage decode(byte[] buf, int off, int len) throws StunException {
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new StunException("bad buffer bounds");
        }
        if (len < HEADER_LENGTH) {
            throw new StunException("truncated header: " + len + " bytes");
        }
        if ((buf[off] & 0xC0) != 0) {
            throw new StunException("not a STUN message: top bits set");
        }
        if (readInt(buf, off + 4) != MAGIC_COOKIE) {
            throw new StunException("bad magic cookie");
        }
        int bodyLength = readShort(buf, off + 2);
        if ((bodyLength & 3) != 0) {
            throw new StunException("message length " + bodyLength + " is not a multiple of 4");
        }
        if (HEADER_LENGTH + bodyLength != len) {
            throw new StunException("message length " + bodyLength + " does not match " + (len - HEADER_LENGTH)
                    + " bytes received");
        }
        byte[] raw = new byte[len];
        System.arraycopy(buf, off, raw, 0, len);
        MessageType type = MessageType.decode(readShort(raw, 0));
        byte[] transactionId = new byte[TRANSACTION_ID_LENGTH];
        System.arraycopy(raw, 8, transactionId, 0, TRANSACTION_ID_LENGTH);

        List<RawAttribute> attributes = new ArrayList<>();
        int pos = HEADER_LENGTH;
        int integrityOffset = -1;
        int integritySha256Offset = -1;
        boolean fingerprintSeen = false;
        int count = 0;
        while (pos < len) {
            if (fingerprintSeen) {
                throw new StunException("attribute after FINGERPRINT");
            }
            if (++count > MAX_ATTRIBUTES) {
                throw new StunException("more than " + MAX_ATTRIBUTES + " attributes");
            }
            if (pos + 4 > len) {
                throw new StunException("truncated attribute header at " + pos);
            }
            int attrType = readShort(raw, pos);
            int attrLength = readShort(raw, pos + 2);
            int padded = (attrLength + 3) & ~3;
            if (pos + 4 + padded > len) {
                throw new StunException("attribute 0x" + Integer.toHexString(attrType) + " of length " + attrLength
                        + " overruns the message");
            }
            byte[] value = new byte[attrLength];
            System.arraycopy(raw, pos + 4, value, 0, attrLength);
            boolean afterIntegrity = integrityOffset >= 0 || integritySha256Offset >= 0;
            if (attrType == AttributeType.FINGERPRINT) {
                Fingerprint.verify(raw, pos, value);
                fingerprintSeen = true;
                attributes.add(new RawAttribute(attrType, value, pos));
            } else if (attrType == AttributeType.MESSAGE_INTEGRITY_SHA256 && integritySha256Offset < 0) {
                integritySha256Offset = pos;
                attributes.add(new RawAttribute(attrType, value, pos));
            } else if (attrType == AttributeType.MESSAGE_INTEGRITY && !afterIntegrity) {
                integrityOffset = pos;
                attributes.add(new RawAttribute(attrType, value, pos));
            } else if (!afterIntegrity) {
                attributes.add(new RawAttribute(attrType, value, pos));
            }
            // RFC 8489 section 14.5: anything else after MESSAGE-INTEGRITY is ignored.
            pos += 4 + padded;
        }
        return new StunMessage(type, transactionId, Collections.unmodifiableList(attributes), raw,
                integrityOffset, integritySha256Offset);
    }

    public MessageType type() {
        return type;
    }

    public int method() {
        return type.method();
    }

    public StunClass messageClass() {
        return type.messageClass();
    }

    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** The transaction id without a defensive copy, for hot paths that only read it. */
    byte[] transactionIdUnsafe() {
        return transactionId;
    }

    public List<RawAttribute> attributes() {
        return attributes;
    }

    /** The first attribute of {@code attrType}, or null. */
    public RawAttribute attribute(int attrType) {
        for (RawAttribute a : attributes) {
            if (a.type() == attrType) {
                return a;
            }
        }
        return null;
    }

    public boolean has(int attrType) {
        return attribute(attrType) != null;
    }

    /** A copy of the bytes as received. */
    public byte[] raw() {
        return raw.clone();
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasIntegritySha256() {
        return integritySha256Offset >= 0;
    }

    /** Checks MESSAGE-INTEGRITY (HMAC-SHA1) with {@code key}; false if absent or wrong. */
    public boolean verifyIntegrity(byte[] key) {
        return integrityOffset >= 0 && MessageIntegrity.verify(raw, integrityOffset, key);
    }

    /** Checks MESSAGE-INTEGRITY-SHA256 with {@code key}; false if absent or wrong. */
    public boolean verifyIntegritySha256(byte[] key) {
        return integritySha256Offset >= 0 && MessageIntegritySha256.verify(raw, integritySha256Offset, key);
    }

    /** Comprehension-required attribute types in this message that are not in {@code known}. */
    public List<Integer> unknownRequired(java.util.function.IntPredicate known) {
        List<Integer> unknown = new ArrayList<>();
        for (RawAttribute a : attributes) {
            if (AttributeType.isComprehensionRequired(a.type()) && !known.test(a.type())
                    && !unknown.contains(a.type())) {
                unknown.add(a.type());
            }
        }
        return unknown;
    }

    static int readShort(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int readInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static void writeShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    @Override
    public String toString() {
        return type + " (" + attributes.size() + " attributes)";
    }
}
