package io.c2c.relay.protocol;

/** REQUESTED-TRANSPORT (RFC 8656 section 18.7): the IP protocol number of the relay (17 = UDP, 6 = TCP). */
public record RequestedTransport(int protocol) implements StunAttribute {

    public static final int UDP = 17;
    public static final int TCP = 6;

    public RequestedTransport {
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("protocol out of range: " + protocol);
        }
    }

    public static RequestedTransport decode(byte[] value) throws StunException {
        if (value.length != 4) {
            throw new StunException("REQUESTED-TRANSPORT of length " + value.length);
        }
        return new RequestedTransport(value[0] & 0xFF);
    }

    @Override
    public int type() {
        return AttributeType.REQUESTED_TRANSPORT;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return new byte[] {(byte) protocol, 0, 0, 0};
    }
}
