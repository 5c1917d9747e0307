package io.c2c.relay.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The XOR address encoding shared by XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS
 * (RFC 8489 section 14.2): family, port XOR the cookie's top 16 bits, address XOR cookie (IPv4)
 * or cookie + transaction id (IPv6). No name resolution ever happens here.
 */
final class XorAddress {

    static final int FAMILY_IPV4 = 0x01;
    static final int FAMILY_IPV6 = 0x02;

    private XorAddress() {
    }

    static InetSocketAddress decode(String name, byte[] value, byte[] transactionId) throws StunException {
        if (value.length < 4) {
            throw new StunException(name + " too short: " + value.length);
        }
        int family = value[1] & 0xFF;
        int expected = switch (family) {
            case FAMILY_IPV4 -> 8;
            case FAMILY_IPV6 -> 20;
            default -> throw new StunException(name + " has unknown address family " + family);
        };
        if (value.length != expected) {
            throw new StunException(name + " of family " + family + " has length " + value.length);
        }
        int port = StunMessage.readShort(value, 2) ^ (StunMessage.MAGIC_COOKIE >>> 16);
        byte[] address = new byte[expected - 4];
        byte[] mask = mask(transactionId);
        for (int i = 0; i < address.length; i++) {
            address[i] = (byte) (value[4 + i] ^ mask[i]);
        }
        try {
            InetAddress ip = family == FAMILY_IPV4 ? InetAddress.getByAddress(address)
                    : Inet6Address.getByAddress(null, address, -1);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new StunException(name + " has a bad address");
        }
    }

    static byte[] encode(InetSocketAddress address, byte[] transactionId) {
        byte[] ip = address.getAddress().getAddress();
        boolean v4 = address.getAddress() instanceof Inet4Address;
        byte[] value = new byte[4 + ip.length];
        value[1] = (byte) (v4 ? FAMILY_IPV4 : FAMILY_IPV6);
        StunMessage.writeShort(value, 2, address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16));
        byte[] mask = mask(transactionId);
        for (int i = 0; i < ip.length; i++) {
            value[4 + i] = (byte) (ip[i] ^ mask[i]);
        }
        return value;
    }

    private static byte[] mask(byte[] transactionId) {
        byte[] mask = new byte[16];
        StunMessage.writeInt(mask, 0, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, mask, 4, StunMessage.TRANSACTION_ID_LENGTH);
        return mask;
    }
}
