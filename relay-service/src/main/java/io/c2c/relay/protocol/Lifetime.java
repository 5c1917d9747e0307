package io.c2c.relay.protocol;

/** LIFETIME (RFC 8656 section 18.4): seconds until the allocation expires, unsigned 32-bit. */
public record Lifetime(long seconds) implements StunAttribute {

    public Lifetime {
        if (seconds < 0 || seconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("lifetime out of range: " + seconds);
        }
    }

    public static Lifetime decode(byte[] value) throws StunException {
        if (value.length != 4) {
            throw new StunException("LIFETIME of length " + value.length);
        }
        return new Lifetime(StunMessage.readInt(value, 0) & 0xFFFFFFFFL);
    }

    @Override
    public int type() {
        return AttributeType.LIFETIME;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        byte[] value = new byte[4];
        StunMessage.writeInt(value, 0, (int) seconds);
        return value;
    }
}
