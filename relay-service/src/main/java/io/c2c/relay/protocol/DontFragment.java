package io.c2c.relay.protocol;

/** DONT-FRAGMENT (RFC 8656 section 18.9): an empty flag asking the relay to set DF towards peers. */
public record DontFragment() implements StunAttribute {

    public static DontFragment decode(byte[] value) throws StunException {
        if (value.length != 0) {
            throw new StunException("DONT-FRAGMENT of length " + value.length);
        }
        return new DontFragment();
    }

    @Override
    public int type() {
        return AttributeType.DONT_FRAGMENT;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return new byte[0];
    }
}
