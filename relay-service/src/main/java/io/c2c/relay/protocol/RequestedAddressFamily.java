package io.c2c.relay.protocol;

/** REQUESTED-ADDRESS-FAMILY (RFC 6156 section 4.1.1; RFC 8656 section 18.10): IPv4 (0x01) or IPv6 (0x02) relay. */
public record RequestedAddressFamily(int family) implements StunAttribute {

    public static final int IPV4 = 0x01;
    public static final int IPV6 = 0x02;

    public static RequestedAddressFamily decode(byte[] value) throws StunException {
        if (value.length != 4) {
            throw new StunException("REQUESTED-ADDRESS-FAMILY of length " + value.length);
        }
        return new RequestedAddressFamily(value[0] & 0xFF);
    }

    @Override
    public int type() {
        return AttributeType.REQUESTED_ADDRESS_FAMILY;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return new byte[] {(byte) family, 0, 0, 0};
    }
}
