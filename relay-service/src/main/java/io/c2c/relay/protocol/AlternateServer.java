package io.c2c.relay.protocol;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * ALTERNATE-SERVER (RFC 8489 section 14.15): where to send the request instead, with a 300 (Try
 * Alternate) answer. Same layout as MAPPED-ADDRESS (family, port, address), not XOR-ed.
 */
public record AlternateServer(InetSocketAddress address) implements StunAttribute {

    public AlternateServer {
        Objects.requireNonNull(address.getAddress(), "unresolved address");
    }

    public static AlternateServer decode(byte[] value) throws StunException {
        if (value.length < 4) {
            throw new StunException("ALTERNATE-SERVER too short: " + value.length);
        }
        int family = value[1] & 0xFF;
        int length = switch (family) {
            case XorAddress.FAMILY_IPV4 -> 8;
            case XorAddress.FAMILY_IPV6 -> 20;
            default -> throw new StunException("ALTERNATE-SERVER has unknown address family " + family);
        };
        if (value.length != length) {
            throw new StunException("ALTERNATE-SERVER of family " + family + " has length " + value.length);
        }
        byte[] ip = java.util.Arrays.copyOfRange(value, 4, length);
        try {
            return new AlternateServer(new InetSocketAddress(InetAddress.getByAddress(ip), StunMessage.readShort(value, 2)));
        } catch (UnknownHostException e) {
            throw new StunException("ALTERNATE-SERVER has a bad address");
        }
    }

    @Override
    public int type() {
        return AttributeType.ALTERNATE_SERVER;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        byte[] ip = address.getAddress().getAddress();
        byte[] value = new byte[4 + ip.length];
        value[1] = (byte) (address.getAddress() instanceof Inet4Address ? XorAddress.FAMILY_IPV4 : XorAddress.FAMILY_IPV6);
        StunMessage.writeShort(value, 2, address.getPort());
        System.arraycopy(ip, 0, value, 4, ip.length);
        return value;
    }
}
