package io.c2c.relay.protocol;

import java.net.InetSocketAddress;
import java.util.Objects;

/** XOR_PEER_ADDRESS (RFC 8656 section 18.3: a peer's address as seen from the relay.) */
public record XorPeerAddress(InetSocketAddress address) implements StunAttribute {

    public XorPeerAddress {
        Objects.requireNonNull(address.getAddress(), "unresolved address");
    }

    public static XorPeerAddress decode(byte[] value, byte[] transactionId) throws StunException {
        return new XorPeerAddress(XorAddress.decode("XOR_PEER_ADDRESS", value, transactionId));
    }

    @Override
    public int type() {
        return AttributeType.XOR_PEER_ADDRESS;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return XorAddress.encode(address, transactionId);
    }
}
