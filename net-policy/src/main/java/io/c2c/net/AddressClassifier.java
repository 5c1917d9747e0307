package io.c2c.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Says what kind of address an IP address is ({@link AddressKind}): the one deny list behind the relay's peer check
 * and signaling's SSRF guard. IPv6 addresses that embed an IPv4 address (IPv4-mapped {@code ::ffff:a.b.c.d},
 * IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by the embedded
 * address, so {@code ::ffff:127.0.0.1} is loopback. Works on raw bytes and allocates nothing: the relay asks for
 * every Send indication.
 */
public final class AddressClassifier {

    /** IPv4 ranges, each with its kind; anything else is public. */
    private static final Cidr[] V4 = {
        Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
        Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"),
        Cidr.parse("192.0.2.0/24"), Cidr.parse("192.88.99.0/24"), Cidr.parse("192.168.0.0/16"),
        Cidr.parse("198.18.0.0/15"), Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"),
        Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"),
    };
    private static final AddressKind[] V4_KIND = {
        AddressKind.UNSPECIFIED, AddressKind.PRIVATE, AddressKind.SHARED, AddressKind.LOOPBACK,
        AddressKind.LINK_LOCAL, AddressKind.PRIVATE, AddressKind.PROTOCOL,
        AddressKind.DOCUMENTATION, AddressKind.TRANSITION, AddressKind.PRIVATE,
        AddressKind.BENCHMARKING, AddressKind.DOCUMENTATION, AddressKind.DOCUMENTATION,
        AddressKind.MULTICAST, AddressKind.RESERVED,
    };

    /** IPv6 ranges that embed no IPv4 address; anything else is public. */
    private static final Cidr[] V6 = {
        Cidr.parse("100::/64"), Cidr.parse("2001::/32"), Cidr.parse("2001:2::/48"), Cidr.parse("2001:db8::/32"),
        Cidr.parse("2001:10::/28"), Cidr.parse("2001:20::/28"), Cidr.parse("3fff::/20"), Cidr.parse("64:ff9b:1::/48"),
        Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"), Cidr.parse("fec0::/10"), Cidr.parse("ff00::/8"),
    };
    private static final AddressKind[] V6_KIND = {
        AddressKind.PROTOCOL, AddressKind.TRANSITION, AddressKind.BENCHMARKING, AddressKind.DOCUMENTATION,
        AddressKind.PROTOCOL, AddressKind.PROTOCOL, AddressKind.DOCUMENTATION, AddressKind.TRANSITION,
        AddressKind.PRIVATE, AddressKind.LINK_LOCAL, AddressKind.PRIVATE, AddressKind.MULTICAST,
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
        for (int i = 0; i < V6.length; i++) {
            if (V6[i].contains(raw)) {
                return V6_KIND[i];
            }
        }
        return AddressKind.PUBLIC;
    }

    public static boolean isPublic(byte[] raw) {
        return classify(raw) == AddressKind.PUBLIC;
    }

    /** The kind of an IPv4 address given as an int, first octet highest. */
    public static AddressKind classifyIpv4(int address) {
        for (int i = 0; i < V4.length; i++) {
            if (V4[i].containsIpv4(address)) {
                return V4_KIND[i];
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
