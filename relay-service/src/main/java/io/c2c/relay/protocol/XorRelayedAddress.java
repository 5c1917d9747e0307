package io.c2c.relay.protocol;

import java.net.InetSocketAddress;
import java.util.Objects;

/** XOR_RELAYED_ADDRESS (RFC 8656 section 18.5: the relayed transport address the server allocated.) */
public record XorRelayedAddress(InetSocketAddress address) implements StunAttribute {

    public XorRelayedAddress {
        Objects.requireNonNull(address.getAddress(), "unresolved address");
    }

    public static XorRelayedAddress decode(byte[] value, byte[] transactionId) throws StunException {
        return new XorRelayedAddress(XorAddress.decode("XOR_RELAYED_ADDRESS", value, transactionId));
    }

    @Override
    public int type() {
        return AttributeType.XOR_RELAYED_ADDRESS;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        return XorAddress.encode(address, transactionId);
    }
}
