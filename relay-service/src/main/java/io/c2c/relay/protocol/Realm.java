package io.c2c.relay.protocol;

/** REALM attribute: RFC 8489 section 14.9: the realm of the long-term credentials, under 128 characters (763 bytes). */
public record Realm(String value) implements StunAttribute {

    public static final int MAX_BYTES = 763;

    public Realm {
        Text.encode("REALM", value, MAX_BYTES);
    }

    public static Realm decode(byte[] value) throws StunException {
        return new Realm(Text.decode("REALM", value, MAX_BYTES));
    }

    @Override
    public int type() {
        return AttributeType.REALM;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return Text.encode("REALM", value, MAX_BYTES);
    }
}
