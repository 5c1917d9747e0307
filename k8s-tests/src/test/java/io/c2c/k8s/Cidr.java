package io.c2c.k8s;

import java.util.List;

/** IPv4 CIDR arithmetic for the NetworkPolicy checks. */
final class Cidr {

    private final long base;
    private final int bits;

    private Cidr(long base, int bits) {
        this.base = base;
        this.bits = bits;
    }

    static Cidr parse(String text) {
        String[] parts = text.split("/");
        String[] octets = parts[0].split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + text);
        }
        long value = 0;
        for (String o : octets) {
            value = (value << 8) | Integer.parseInt(o);
        }
        int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : 32;
        return new Cidr(value & mask(bits), bits);
    }

    private static long mask(int bits) {
        return bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    }

    boolean contains(Cidr other) {
        return other.bits >= bits && (other.base & mask(bits)) == base;
    }

    static boolean overlaps(String a, String b) {
        Cidr x = parse(a);
        Cidr y = parse(b);
        return x.contains(y) || y.contains(x);
    }

    /** Whether one of the excluded blocks contains the whole of {@code range}. */
    static boolean coveredBy(String range, List<String> excluded) {
        Cidr r = parse(range);
        return excluded.stream().filter(e -> e.contains(".")).map(Cidr::parse).anyMatch(e -> e.contains(r));
    }
}
