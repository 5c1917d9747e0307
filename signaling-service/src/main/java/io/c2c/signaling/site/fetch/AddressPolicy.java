package io.c2c.signaling.site.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which addresses the platform may open outbound HTTP connections to: public unicast only, unless an operator
 * allow-list names the network. Blocks loopback, private, link-local (cloud metadata), CGNAT, multicast,
 * unspecified, reserved and documentation ranges, including IPv4-mapped, IPv4-compatible and NAT64 IPv6 forms.
 */
public final class AddressPolicy {

    private static final List<Cidr> BLOCKED = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"),
            Cidr.parse("192.0.2.0/24"), Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"),
            Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"), Cidr.parse("224.0.0.0/4"),
            Cidr.parse("240.0.0.0/4"),
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"),
            Cidr.parse("fec0::/10"), Cidr.parse("ff00::/8"), Cidr.parse("2001:db8::/32"), Cidr.parse("100::/64"));

    private final List<Cidr> allowed;

    public AddressPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    public static AddressPolicy fromConfig(List<String> allowedCidrs) {
        return new AddressPolicy(allowedCidrs.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList());
    }

    /** Whether a connection to {@code address} is allowed. */
    public boolean permits(InetAddress address) {
        InetAddress effective = embeddedIpv4(address);
        for (Cidr cidr : allowed) {
            if (cidr.contains(address) || cidr.contains(effective)) {
                return true;
            }
        }
        for (Cidr cidr : BLOCKED) {
            if (cidr.contains(effective)) {
                return false;
            }
        }
        return !(effective.isAnyLocalAddress() || effective.isLoopbackAddress() || effective.isLinkLocalAddress()
                || effective.isSiteLocalAddress() || effective.isMulticastAddress());
    }

    /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}), -compatible or NAT64 address, else itself. */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] a = address.getAddress();
        boolean mapped = allZero(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
        boolean compatible = allZero(a, 0, 12) && !(allZero(a, 12, 16)) && !(allZero(a, 12, 15) && a[15] == 1);
        boolean nat64 = (a[0] & 0xff) == 0x00 && (a[1] & 0xff) == 0x64 && (a[2] & 0xff) == 0xff
                && (a[3] & 0xff) == 0x9b && allZero(a, 4, 12);
        if (mapped || compatible || nat64) {
            try {
                return Inet4Address.getByAddress(new byte[] {a[12], a[13], a[14], a[15]});
            } catch (UnknownHostException e) {
                return address;
            }
        }
        return address;
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
