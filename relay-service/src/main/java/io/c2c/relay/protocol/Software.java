package io.c2c.relay.protocol;

/** SOFTWARE attribute: RFC 8489 section 14.14: a textual description of the agent, at most 763 bytes. */
public record Software(String value) implements StunAttribute {

    public static final int MAX_BYTES = 763;

    public Software {
        Text.encode("SOFTWARE", value, MAX_BYTES);
    }

    public static Software decode(byte[] value) throws StunException {
        return new Software(Text.decode("SOFTWARE", value, MAX_BYTES));
    }

    @Override
    public int type() {
        return AttributeType.SOFTWARE;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return Text.encode("SOFTWARE", value, MAX_BYTES);
    }
}
