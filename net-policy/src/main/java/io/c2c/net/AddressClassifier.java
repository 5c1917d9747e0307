package io.c2c.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Says what kind of address an IP address is ({@link AddressKind}): the one deny list behind the relay's peer check
 * and signaling's SSRF guard. IPv6 addresses that embed an IPv4 address (IPv4-mapped {@code ::ffff:a.b.c.d},
 * IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by the embedded
 * address, so {@code ::ffff:127.0.0.1} is loopback. {@link #classify(byte[])} allocates nothing: the relay asks for
 * every Send indication.
 */
public final class AddressClassifier {

    /** A special-purpose range and what it is. */
    private record Range(Cidr cidr, AddressKind kind) {
    }

    /** IPv4 special-purpose ranges; anything else is public. */
    private static final Range[] V4 = {
        range("0.0.0.0/8", AddressKind.UNSPECIFIED),
        range("10.0.0.0/8", AddressKind.PRIVATE),
        range("100.64.0.0/10", AddressKind.SHARED),
        range("127.0.0.0/8", AddressKind.LOOPBACK),
        range("169.254.0.0/16", AddressKind.LINK_LOCAL),
        range("172.16.0.0/12", AddressKind.PRIVATE),
        range("192.0.0.0/24", AddressKind.PROTOCOL),
        range("192.0.2.0/24", AddressKind.DOCUMENTATION),
        range("192.88.99.0/24", AddressKind.TRANSITION),
        range("192.168.0.0/16", AddressKind.PRIVATE),
        range("198.18.0.0/15", AddressKind.BENCHMARKING),
        range("198.51.100.0/24", AddressKind.DOCUMENTATION),
        range("203.0.113.0/24", AddressKind.DOCUMENTATION),
        range("224.0.0.0/4", AddressKind.MULTICAST),
        range("240.0.0.0/4", AddressKind.RESERVED),
    };

    /** IPv6 special-purpose ranges that embed no IPv4 address ({@code ::} and {@code ::1} apart); anything else is public. */
    private static final Range[] V6 = {
        range("100::/64", AddressKind.PROTOCOL),
        range("2001::/32", AddressKind.TRANSITION),
        range("2001:2::/48", AddressKind.BENCHMARKING),
        range("2001:db8::/32", AddressKind.DOCUMENTATION),
        range("2001:10::/28", AddressKind.PROTOCOL),
        range("2001:20::/28", AddressKind.PROTOCOL),
        range("3fff::/20", AddressKind.DOCUMENTATION),
        range("64:ff9b:1::/48", AddressKind.TRANSITION),
        range("fc00::/7", AddressKind.PRIVATE),
        range("fe80::/10", AddressKind.LINK_LOCAL),
        range("fec0::/10", AddressKind.PRIVATE),
        range("ff00::/8", AddressKind.MULTICAST),
    };

    private AddressClassifier() {
    }

    public static AddressKind classify(InetAddress address) {
        return classify(address.getAddress());
    }

    /** The kind of a raw address: 4 bytes (IPv4) or 16 (IPv6). */
    public static AddressKind classify(byte[] raw) {
        if (raw.length == 4) {
            return classifyIpv4(ipv4At(raw, 0));
        }
        if (raw.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + raw.length);
        }
        int embedded = embeddedIpv4Offset(raw);
        if (embedded >= 0) {
            return classifyIpv4(ipv4At(raw, embedded));
        }
        if (zeros(raw, 0, 15)) {
            return raw[15] == 0 ? AddressKind.UNSPECIFIED : AddressKind.LOOPBACK;
        }
        for (Range range : V6) {
            if (range.cidr.contains(raw)) {
                return range.kind;
            }
        }
        return AddressKind.PUBLIC;
    }

    public static boolean isPublic(byte[] raw) {
        return classify(raw) == AddressKind.PUBLIC;
    }

    /** The kind of an IPv4 address given as an int, first octet highest. */
    public static AddressKind classifyIpv4(int address) {
        for (Range range : V4) {
            if (range.cidr.containsIpv4(address)) {
                return range.kind;
            }
        }
        return AddressKind.PUBLIC;
    }

    /**
     * Where the IPv4 address an IPv6 address embeds starts in its 16 bytes (12 for IPv4-mapped, IPv4-compatible
     * and NAT64 {@code 64:ff9b::/96}; 2 for 6to4), or -1 if it embeds none. {@code ::} and {@code ::1} embed none.
     */
    public static int embeddedIpv4Offset(byte[] raw) {
        if (raw.length != 16) {
            return -1;
        }
        if (zeros(raw, 0, 10)) {
            if (raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF) {
                return 12; // ::ffff:a.b.c.d
            }
            if (raw[10] == 0 && raw[11] == 0) {
                // ::a.b.c.d, but :: and ::1 are the IPv6 unspecified and loopback addresses.
                return zeros(raw, 12, 15) && (raw[15] == 0 || raw[15] == 1) ? -1 : 12;
            }
            return -1;
        }
        if (raw[0] == 0 && raw[1] == 0x64 && raw[2] == (byte) 0xFF && raw[3] == (byte) 0x9B && zeros(raw, 4, 12)) {
            return 12; // 64:ff9b::a.b.c.d
        }
        if (raw[0] == 0x20 && raw[1] == 0x02) {
            return 2; // 2002:aabb:ccdd::/48
        }
        return -1;
    }

    public static boolean isIpv4Mapped(byte[] raw) {
        return raw.length == 16 && zeros(raw, 0, 10) && raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF;
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}); any other address as is. */
    public static InetAddress unmapped(InetAddress address) {
        byte[] raw = address.getAddress();
        if (!isIpv4Mapped(raw)) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {raw[12], raw[13], raw[14], raw[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static Range range(String cidr, AddressKind kind) {
        return new Range(Cidr.parse(cidr), kind);
    }

    /** Four bytes from {@code offset} as an int, first byte highest. */
    public static int ipv4At(byte[] raw, int offset) {
        return (raw[offset] & 0xFF) << 24 | (raw[offset + 1] & 0xFF) << 16 | (raw[offset + 2] & 0xFF) << 8
                | (raw[offset + 3] & 0xFF);
    }

    private static boolean zeros(byte[] raw, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
