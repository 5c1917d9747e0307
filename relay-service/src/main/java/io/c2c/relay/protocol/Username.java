package io.c2c.relay.protocol;

/** USERNAME attribute: RFC 8489 section 14.3: the user name of the credentials, at most 513 bytes of UTF-8. */
public record Username(String value) implements StunAttribute {

    public static final int MAX_BYTES = 513;

    public Username {
        Text.encode("USERNAME", value, MAX_BYTES);
    }

    public static Username decode(byte[] value) throws StunException {
        return new Username(Text.decode("USERNAME", value, MAX_BYTES));
    }

    @Override
    public int type() {
        return AttributeType.USERNAME;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return Text.encode("USERNAME", value, MAX_BYTES);
    }
}
