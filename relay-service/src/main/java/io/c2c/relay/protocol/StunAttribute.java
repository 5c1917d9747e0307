package io.c2c.relay.protocol;

/**
 * An attribute that can be written into a message. Each attribute class also has a static
 * {@code decode(byte[] value)} (or a variant taking the transaction id for XOR addresses) that
 * checks lengths before reading and throws {@link StunException}.
 */
public interface StunAttribute {

    int type();

    /** The attribute value, without header or padding. */
    byte[] value(byte[] transactionId);
}
