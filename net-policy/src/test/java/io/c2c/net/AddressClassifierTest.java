package io.c2c.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure logic, table-driven: the one deny list of the relay's peer check and signaling's SSRF guard. */
class AddressClassifierTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        // public
        "8.8.8.8, PUBLIC", "1.1.1.1, PUBLIC", "93.184.216.34, PUBLIC", "203.0.114.1, PUBLIC", "172.32.0.1, PUBLIC",
        "172.15.255.255, PUBLIC", "100.128.0.1, PUBLIC", "100.63.255.255, PUBLIC", "198.20.0.1, PUBLIC",
        "223.255.255.255, PUBLIC", "11.0.0.0, PUBLIC", "192.0.1.1, PUBLIC", "192.169.0.1, PUBLIC",
        "2606:4700:4700::1111, PUBLIC", "2a00:1450::1, PUBLIC", "2606:2800:220:1:248:1893:25c8:1946, PUBLIC",
        "2001:4860::8888, PUBLIC", "2001:3::1, PUBLIC", "2001:30::1, PUBLIC", "4000::1, PUBLIC",
        // IPv4 special purpose
        "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "127.0.0.1, LOOPBACK", "127.8.9.10, LOOPBACK",
        "10.1.2.3, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
        "100.64.0.1, SHARED", "100.127.255.254, SHARED", "169.254.169.254, LINK_LOCAL", "169.254.1.1, LINK_LOCAL",
        "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "255.255.255.255, RESERVED", "240.0.0.1, RESERVED",
        "192.0.2.1, DOCUMENTATION", "198.51.100.7, DOCUMENTATION", "203.0.113.9, DOCUMENTATION",
        "198.18.0.1, BENCHMARKING", "198.19.255.255, BENCHMARKING", "192.0.0.8, PROTOCOL",
        "192.88.99.1, TRANSITION",
        // IPv6 special purpose
        "::, UNSPECIFIED", "::1, LOOPBACK", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL", "fc00::1, PRIVATE",
        "fd00:ec2::254, PRIVATE", "fec0::1, PRIVATE", "ff02::1, MULTICAST", "ff0e::1, MULTICAST",
        "2001:db8::1, DOCUMENTATION", "3fff::1, DOCUMENTATION", "3fff:fff::1, DOCUMENTATION", "2001::1, TRANSITION",
        "2001:0:ffff::1, TRANSITION", "2001:2::1, BENCHMARKING", "2001:10::1, PROTOCOL", "2001:1f::1, PROTOCOL",
        "2001:20::1, PROTOCOL", "100::1, PROTOCOL", "64:ff9b:1::1, TRANSITION",
        // IPv6 forms that embed IPv4 are judged by the embedded address
        "hex:00000000000000000000ffff7f000001, LOOPBACK",      // ::ffff:127.0.0.1 (IPv4-mapped)
        "hex:00000000000000000000ffffa9fea9fe, LINK_LOCAL",    // ::ffff:169.254.169.254
        "hex:00000000000000000000ffff0a000001, PRIVATE",       // ::ffff:10.0.0.1
        "hex:00000000000000000000ffff00000000, UNSPECIFIED",   // ::ffff:0.0.0.0
        "hex:00000000000000000000ffff08080808, PUBLIC",        // ::ffff:8.8.8.8
        "hex:0000000000000000000000007f000001, LOOPBACK",      // ::127.0.0.1 (IPv4-compatible)
        "hex:00000000000000000000000008080808, PUBLIC",        // ::8.8.8.8
        "hex:00000000000000000000000000000002, UNSPECIFIED",   // ::0.0.0.2
        "64:ff9b::c0a8:101, PRIVATE",                          // 64:ff9b::192.168.1.1 (NAT64)
        "64:ff9b::a00:1, PRIVATE", "64:ff9b::5db8:d822, PUBLIC",
        "hex:0064ff9b0001000000000000c0a80101, TRANSITION",   // 64:ff9b:1::c0a8:101 is local-use NAT64, not embedding
        "2002:7f00:1::1, LOOPBACK",                            // 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1, LINK_LOCAL", "2002:808:808::1, PUBLIC",
    })
    void classifies(String address, AddressKind kind) throws Exception {
        assertEquals(kind, AddressClassifier.classify(Addresses.raw(address)), address);
    }

    @Test
    void inetAddressAndRawBytesAgree() throws Exception {
        InetAddress mapped = Inet6Address.getByAddress(null, HexFormat.of().parseHex("00000000000000000000ffff0a000001"), -1);
        assertEquals(AddressKind.PRIVATE, AddressClassifier.classify(mapped));
        assertEquals(AddressKind.LOOPBACK, AddressClassifier.classify(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void rejectsWhatIsNotAnAddress() {
        assertThrows(IllegalArgumentException.class, () -> AddressClassifier.classify(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> AddressClassifier.classify(new byte[0]));
    }

    @Test
    void unmappedTurnsOnlyTheMappedFormIntoIpv4() throws Exception {
        InetAddress mapped = Addresses.address("hex:00000000000000000000ffff08080808");
        assertEquals(InetAddress.getByName("8.8.8.8"), AddressClassifier.unmapped(mapped));
        InetAddress nat64 = InetAddress.getByName("64:ff9b::808:808");
        assertSame(nat64, AddressClassifier.unmapped(nat64));
        InetAddress v4 = InetAddress.getByName("8.8.8.8");
        assertSame(v4, AddressClassifier.unmapped(v4));
    }

    /** Every embedding form of every IPv4 address is classified like the address itself (random sample). */
    @Test
    void embeddedFormsAgreeWithTheirIpv4Address() {
        Random random = new Random(42);
        int[] prefixes = {0x0A000000, 0x7F000000, 0xA9FE0000, 0x64400000, 0xC0A80000, 0xE0000000, 0x08080000};
        for (int i = 0; i < 20_000; i++) {
            // Half the samples near special ranges, half anywhere.
            int v4 = i % 2 == 0 ? random.nextInt() : prefixes[random.nextInt(prefixes.length)] | random.nextInt(1 << 16);
            byte[] plain = {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
            AddressKind expected = AddressClassifier.classify(plain);
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(plain, 0, mapped, 12, 4);
            byte[] nat64 = new byte[16];
            nat64[1] = 0x64;
            nat64[2] = (byte) 0xFF;
            nat64[3] = (byte) 0x9B;
            System.arraycopy(plain, 0, nat64, 12, 4);
            byte[] sixToFour = new byte[16];
            sixToFour[0] = 0x20;
            sixToFour[1] = 0x02;
            System.arraycopy(plain, 0, sixToFour, 2, 4);
            sixToFour[15] = 1;
            assertEquals(expected, AddressClassifier.classify(mapped), "mapped " + Integer.toHexString(v4));
            assertEquals(expected, AddressClassifier.classify(nat64), "nat64 " + Integer.toHexString(v4));
            assertEquals(expected, AddressClassifier.classify(sixToFour), "6to4 " + Integer.toHexString(v4));
            assertEquals(expected == AddressKind.PUBLIC, AddressClassifier.isPublic(plain));
        }
    }
}
