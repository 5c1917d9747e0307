package io.c2c.relay.allocation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Which peer addresses the relay may send to. Denied unless an operator allow-list CIDR says so:
 * unspecified, loopback, private, CGNAT, link-local (with the 169.254.169.254 cloud metadata
 * address), multicast, broadcast and reserved, documentation and benchmarking ranges, in IPv4 and
 * IPv6 forms; IPv6 addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64,
 * 6to4) are judged by the embedded address, and Teredo is refused outright.
 */
public final class PeerAddressPolicy {

    private static final List<Cidr> DENIED_V4 = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"),
            Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.0.0.0/24"), Cidr.parse("192.0.2.0/24"), Cidr.parse("192.88.99.0/24"),
            Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"), Cidr.parse("198.51.100.0/24"),
            Cidr.parse("203.0.113.0/24"), Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"));

    private static final List<Cidr> DENIED_V6 = List.of(
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("100::/64"), Cidr.parse("2001::/32"),
            Cidr.parse("2001:db8::/32"), Cidr.parse("2001:10::/28"), Cidr.parse("2001:20::/28"),
            Cidr.parse("3fff::/20"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"), Cidr.parse("fec0::/10"),
            Cidr.parse("ff00::/8"));

    private static final Cidr MAPPED = Cidr.parse("::ffff:0:0/96");
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr NAT64_LOCAL = Cidr.parse("64:ff9b:1::/48");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;

    public PeerAddressPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    public static PeerAddressPolicy fromConfig(List<String> allowedCidrs) {
        return new PeerAddressPolicy(allowedCidrs.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList());
    }

    /** True if the relay may send to (and accept from) {@code address}. */
    public boolean permits(InetAddress address) {
        byte[] raw = address.getAddress();
        byte[] embedded = embeddedIpv4(raw);
        if (isAllowListed(raw) || (embedded != null && isAllowListed(embedded))) {
            return true;
        }
        if (raw.length == 4) {
            return !deniedV4(raw);
        }
        if (embedded != null) {
            return !deniedV4(embedded);
        }
        if (NAT64_LOCAL.contains(raw)) {
            return false;
        }
        for (Cidr c : DENIED_V6) {
            if (c.contains(raw)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The address to actually send to: an IPv4-mapped IPv6 address becomes its IPv4 form (the
     * relay sockets are IPv4), anything else is returned as is.
     */
    public static InetAddress normalize(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16 && MAPPED.contains(raw)) {
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(raw, 12, 16));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return address;
    }

    private boolean isAllowListed(byte[] raw) {
        for (Cidr c : allowed) {
            if (c.contains(raw)) {
                return true;
            }
        }
        return false;
    }

    private static boolean deniedV4(byte[] raw) {
        for (Cidr c : DENIED_V4) {
            if (c.contains(raw)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] embeddedIpv4(byte[] raw) {
        if (raw.length != 16) {
            return null;
        }
        if (MAPPED.contains(raw) || NAT64.contains(raw)) {
            return Arrays.copyOfRange(raw, 12, 16);
        }
        if (COMPATIBLE.contains(raw)) {
            // ::/128 and ::1 are judged as IPv6 (unspecified and loopback), both denied anyway.
            return raw[12] == 0 && raw[13] == 0 && raw[14] == 0 && (raw[15] == 0 || raw[15] == 1)
                    ? null : Arrays.copyOfRange(raw, 12, 16);
        }
        if (SIX_TO_FOUR.contains(raw)) {
            return Arrays.copyOfRange(raw, 2, 6);
        }
        return null;
    }
}
