package io.c2c.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Pure logic, table-driven: parsing and containment. */
class CidrTest {

    @ParameterizedTest(name = "{0} parses as {1}")
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0/8", "10.1.2.3/8, 10.0.0.0/8", "127.0.0.1, 127.0.0.1/32", " 172.16.0.0/12 , 172.16.0.0/12",
        "0.0.0.0/0, 0.0.0.0/0", "::1, 0:0:0:0:0:0:0:1/128", "fd00::/8, fd00:0:0:0:0:0:0:0/8",
        "::ffff:10.0.0.0/104, ::ffff:10.0.0.0/104", "2001:db8::ffff/32, 2001:db8:0:0:0:0:0:0/32", "::/0, 0:0:0:0:0:0:0:0/0",
    })
    void parses(String text, String canonical) {
        Cidr cidr = Cidr.parse(text);
        assertEquals(canonical, cidr.toString());
        assertEquals(cidr, Cidr.parse(cidr.toString()), "toString parses back");
    }

    /** Never a name, never a DNS query, no shorthand IPv4 forms, no zone ids. */
    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {
        "example.com/8", "localhost", "dead", "cafe.face/16", "beef:", "1.2.3/8", "1.2.3.4.5", "256.0.0.1/8",
        "0x7f.0.0.1", "10.0.0.0/33", "::1/129", "/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8", "",
        "fe80::1%eth0/64", "1::2::3", "::ffff:10.0.0.0/129", "10.0.0.0 /8x",
    })
    void refuses(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8, 10.9.9.9, true", "10.0.0.0/8, 11.0.0.0, false", "100.64.0.0/10, 100.127.0.1, true",
        "100.64.0.0/10, 100.128.0.1, false", "0.0.0.0/0, 255.255.255.255, true", "127.0.0.1/32, 127.0.0.2, false",
        "10.0.0.0/8, ::ffff:10.0.0.1, true", // Java unwraps the mapped literal to 10.0.0.1
        "10.0.0.0/8, 0a00::1, false", "fe80::/10, febf::1, true", "fe80::/10, fec0::1, false",
        "ff00::/8, ff02::1, true", "2001:10::/28, 2001:1f::1, true", "2001:10::/28, 2001:20::1, false",
        "::/0, 10.0.0.1, false", "fc00::/7, fdff::1, true", "fc00::/7, fe00::1, false",
    })
    void contains(String cidr, String address, boolean inside) throws Exception {
        assertEquals(inside, Cidr.parse(cidr).contains(InetAddress.getByName(address)));
    }

    @Test
    void ipv4IntPathAgreesWithBytePath() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            int prefix = random.nextInt(33);
            int network = random.nextInt();
            int address = random.nextBoolean() ? random.nextInt() : network ^ (random.nextInt() >>> Math.max(prefix, 1));
            Cidr cidr = Cidr.parse(dotted(network) + "/" + prefix);
            byte[] raw = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
            boolean bitwise = prefix == 0 || (network >>> (32 - prefix)) == (address >>> (32 - prefix));
            assertEquals(bitwise, cidr.containsIpv4(address), cidr + " " + dotted(address));
            assertEquals(bitwise, cidr.contains(raw), cidr + " " + dotted(address));
        }
        assertFalse(Cidr.parse("::/0").containsIpv4(0), "an IPv6 prefix holds no IPv4 int");
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}, overlaps: {3}")
    @CsvSource({
        "10.0.0.0/8, 10.1.0.0/16, true, true", "10.1.0.0/16, 10.0.0.0/8, false, true",
        "10.0.0.0/8, 11.0.0.0/8, false, false", "0.0.0.0/0, 192.168.0.0/16, true, true",
        "10.0.0.0/8, 10.0.0.0/8, true, true", "fc00::/7, fd00::/8, true, true", "fc00::/7, 10.0.0.0/8, false, false",
    })
    void prefixesContainAndOverlap(String a, String b, boolean contains, boolean overlaps) {
        assertEquals(contains, Cidr.parse(a).contains(Cidr.parse(b)));
        assertEquals(overlaps, Cidr.parse(a).overlaps(Cidr.parse(b)));
    }

    @Test
    void familyAndPrefix() {
        assertEquals(Cidr.parse("192.168.0.0/16"), Cidr.parse("192.168.7.9/16"), "host bits do not matter");
        assertTrue(Cidr.parse("10.0.0.0/8").isIpv4());
        assertFalse(Cidr.parse("::ffff:10.0.0.0/104").isIpv4());
        assertEquals(104, Cidr.parse("::ffff:10.0.0.0/104").prefixLength());
    }

    private static String dotted(int v) {
        return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }
}
