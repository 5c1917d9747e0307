package io.c2c.relay.protocol;

/** NONCE attribute: RFC 8489 section 14.10: the server's nonce for the long-term credentials, at most 763 bytes. */
public record Nonce(String value) implements StunAttribute {

    public static final int MAX_BYTES = 763;

    public Nonce {
        Text.encode("NONCE", value, MAX_BYTES);
    }

    public static Nonce decode(byte[] value) throws StunException {
        return new Nonce(Text.decode("NONCE", value, MAX_BYTES));
    }

    @Override
    public int type() {
        return AttributeType.NONCE;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return Text.encode("NONCE", value, MAX_BYTES);
    }
}
