package io.c2c.relay.protocol;

/** DATA (RFC 8656 section 18.6): the application payload of a Send or Data indication. */
public record Data(byte[] bytes) implements StunAttribute {

    /** The largest payload that still fits a STUN message with its other attributes. */
    public static final int MAX_BYTES = 65535 - 64;

    public Data {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("DATA too long: " + bytes.length);
        }
    }

    public static Data decode(byte[] value) throws StunException {
        if (value.length > MAX_BYTES) {
            throw new StunException("DATA too long: " + value.length);
        }
        return new Data(value);
    }

    @Override
    public int type() {
        return AttributeType.DATA;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return bytes;
    }
}
