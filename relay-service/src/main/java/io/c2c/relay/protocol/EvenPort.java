package io.c2c.relay.protocol;

/** EVEN-PORT (RFC 8656 section 18.8): ask for an even relay port; R = also reserve the next one. */
public record EvenPort(boolean reserveNext) implements StunAttribute {

    public static EvenPort decode(byte[] value) throws StunException {
        if (value.length != 1) {
            throw new StunException("EVEN-PORT of length " + value.length);
        }
        return new EvenPort((value[0] & 0x80) != 0);
    }

    @Override
    public int type() {
        return AttributeType.EVEN_PORT;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return new byte[] {(byte) (reserveNext ? 0x80 : 0)};
    }
}
