package io.c2c.relay.protocol;

import java.net.InetSocketAddress;
import java.util.Objects;

/** XOR_MAPPED_ADDRESS (RFC 8489 section 14.2: the client's reflexive transport address as the server saw it.) */
public record XorMappedAddress(InetSocketAddress address) implements StunAttribute {

    public XorMappedAddress {
        Objects.requireNonNull(address.getAddress(), "unresolved address");
    }

    public static XorMappedAddress decode(byte[] value, byte[] transactionId) throws StunException {
        return new XorMappedAddress(XorAddress.decode("XOR_MAPPED_ADDRESS", value, transactionId));
    }

    @Override
    public int type() {
        return AttributeType.XOR_MAPPED_ADDRESS;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return XorAddress.encode(address, transactionId);
    }
}
