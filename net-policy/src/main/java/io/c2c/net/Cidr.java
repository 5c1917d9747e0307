package io.c2c.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 prefix such as {@code 10.0.0.0/8} or {@code fd00::/8}, parsed from an IP literal without any
 * name resolution. An IPv4-mapped literal ({@code ::ffff:10.0.0.0/104}) stays an IPv6 prefix. Immutable.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;
    /** The IPv4 network and mask as ints, so an IPv4 test is one compare. */
    private final int ipv4Network;
    private final int ipv4Mask;

    private Cidr(byte[] address, int prefixLength) {
        this.network = masked(address, prefixLength);
        this.prefixLength = prefixLength;
        if (network.length == 4) {
            this.ipv4Mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
            this.ipv4Network = AddressClassifier.ipv4At(network, 0);
        } else {
            this.ipv4Mask = 0;
            this.ipv4Network = 0;
        }
    }

    /**
     * Parses {@code <ip-literal>[/<prefix>]}; without a prefix the CIDR is the single address. Only dotted-quad
     * IPv4 and colon IPv6 literals are accepted, so nothing here ever reaches DNS.
     *
     * @throws IllegalArgumentException for anything else, or a prefix longer than the address
     */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String ip = slash < 0 ? s : s.substring(0, slash);
        byte[] address = parseLiteral(ip);
        if (address == null) {
            throw new IllegalArgumentException("not an IP literal: " + text);
        }
        int prefix = address.length * 8;
        if (slash >= 0) {
            String digits = s.substring(slash + 1);
            if (!digits.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            prefix = Integer.parseInt(digits);
        }
        if (prefix > address.length * 8) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new Cidr(address, prefix);
    }

    public int prefixLength() {
        return prefixLength;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    /** Whether the raw address (4 or 16 bytes) is inside; an address of the other family never is. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        if (address.length == 4) {
            return containsIpv4(AddressClassifier.ipv4At(address, 0));
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & 0xFF);
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** Whether an IPv4 address given as an int (first octet highest) is inside; false for an IPv6 prefix. */
    public boolean containsIpv4(int address) {
        return network.length == 4 && (address & ipv4Mask) == ipv4Network;
    }

    /** Whether every address of {@code other} is inside this prefix. */
    public boolean contains(Cidr other) {
        return other.network.length == network.length && other.prefixLength >= prefixLength
                && contains(other.network);
    }

    /** Whether the two prefixes share an address (for prefixes: one contains the other). */
    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        String ip;
        try {
            ip = InetAddress.getByAddress(network).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        if (network.length == 16 && AddressClassifier.isIpv4Mapped(network)) {
            ip = "::ffff:" + ip; // Java prints a mapped address as plain IPv4.
        }
        return ip + "/" + prefixLength;
    }

    /** 4 or 16 bytes, or null if {@code ip} is not a dotted-quad IPv4 or an IPv6 literal. */
    private static byte[] parseLiteral(String ip) {
        if (ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            String[] parts = ip.split("\\.");
            byte[] v4 = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                v4[i] = (byte) octet;
            }
            return v4;
        }
        // With a colon Java parses a literal and never resolves; zone ids (%eth0) are not accepted here.
        if (!ip.contains(":") || !ip.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
        if (bytes.length == 4) {
            // Java turns an IPv4-mapped literal into an IPv4 address; keep the IPv6 form asked for.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        return bytes;
    }

    private static byte[] masked(byte[] address, int prefixLength) {
        byte[] out = address.clone();
        for (int bit = prefixLength; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }
}
