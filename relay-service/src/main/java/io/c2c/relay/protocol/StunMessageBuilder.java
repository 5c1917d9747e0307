package io.c2c.relay.protocol;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Encodes a STUN message: header, attributes with zero padding, then optionally
 * MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, in the order RFC 8489 requires
 * (each computed over everything before it, with the length field covering it).
 */
public final class StunMessageBuilder {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] transactionId;
    private byte[] buf = new byte[256];
    private int pos = StunMessage.HEADER_LENGTH;

    private StunMessageBuilder(MessageType type, byte[] transactionId) {
        if (transactionId.length != StunMessage.TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 bytes");
        }
        this.transactionId = transactionId.clone();
        StunMessage.writeShort(buf, 0, type.encode());
        StunMessage.writeInt(buf, 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, buf, 8, StunMessage.TRANSACTION_ID_LENGTH);
    }

    public static StunMessageBuilder create(MessageType type, byte[] transactionId) {
        return new StunMessageBuilder(type, transactionId);
    }

    public static StunMessageBuilder create(int method, StunClass cls, byte[] transactionId) {
        return new StunMessageBuilder(new MessageType(method, cls), transactionId);
    }

    /** A builder for the response of class {@code cls} to {@code request} (same method and transaction id). */
    public static StunMessageBuilder responseTo(StunMessage request, StunClass cls) {
        return new StunMessageBuilder(new MessageType(request.method(), cls), request.transactionIdUnsafe());
    }

    public static byte[] newTransactionId() {
        byte[] id = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    /**
     * A transaction id for indications the server originates (Data): unpredictability buys
     * nothing there, so the cheap thread-local generator is used on that hot path.
     */
    public static byte[] newIndicationTransactionId() {
        byte[] id = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(id);
        return id;
    }

    public StunMessageBuilder add(StunAttribute attribute) {
        return addRaw(attribute.type(), attribute.value(transactionId));
    }

    public StunMessageBuilder addRaw(int type, byte[] value) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("attribute value too long: " + value.length);
        }
        int padded = (value.length + 3) & ~3;
        ensure(4 + padded);
        StunMessage.writeShort(buf, pos, type);
        StunMessage.writeShort(buf, pos + 2, value.length);
        System.arraycopy(value, 0, buf, pos + 4, value.length);
        Arrays.fill(buf, pos + 4 + value.length, pos + 4 + padded, (byte) 0);
        pos += 4 + padded;
        return this;
    }

    /** Appends MESSAGE-INTEGRITY (HMAC-SHA1 with {@code key}). */
    public StunMessageBuilder integrity(byte[] key) {
        ensure(24);
        setLength(pos + 24);
        byte[] mac = MessageIntegrity.hmac(key, buf, pos);
        return addRaw(AttributeType.MESSAGE_INTEGRITY, mac);
    }

    /** Appends MESSAGE-INTEGRITY-SHA256 (full 32-byte HMAC-SHA256 with {@code key}). */
    public StunMessageBuilder integritySha256(byte[] key) {
        ensure(36);
        setLength(pos + 36);
        byte[] mac = MessageIntegritySha256.hmac(key, buf, pos);
        return addRaw(AttributeType.MESSAGE_INTEGRITY_SHA256, mac);
    }

    /** Appends FINGERPRINT; nothing may be added after it. */
    public byte[] buildWithFingerprint() {
        ensure(8);
        setLength(pos + 8);
        int crc = Fingerprint.compute(buf, pos);
        byte[] value = new byte[4];
        StunMessage.writeInt(value, 0, crc);
        addRaw(AttributeType.FINGERPRINT, value);
        return build();
    }

    public byte[] build() {
        setLength(pos);
        return Arrays.copyOf(buf, pos);
    }

    private void setLength(int totalLength) {
        int body = totalLength - StunMessage.HEADER_LENGTH;
        if (body > 0xFFFF) {
            throw new IllegalStateException("message too long: " + totalLength);
        }
        StunMessage.writeShort(buf, 2, body);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
