package io.c2c.relay.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The peer deny list and the operator allow-list (pure logic). */
class PeerAddressPolicyTest {

    private final PeerAddressPolicy byDefault = PeerAddressPolicy.fromConfig(List.of());

    @ParameterizedTest(name = "{0} is denied by default")
    @ValueSource(strings = {
        "127.0.0.1", "127.8.9.10", "0.0.0.0", "0.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "100.64.0.1", "100.127.255.254", "169.254.169.254", "169.254.1.1", "224.0.0.1", "239.255.255.250",
        "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "192.0.0.8",
        "::", "::1", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "2001:db8::1", "fec0::1", "2001::1", "100::1",
        "64:ff9b:1::1"})
    void deniedByDefault(String ip) throws Exception {
        assertFalse(byDefault.permits(InetAddress.getByName(ip)), ip);
    }

    /** IPv6 forms that embed a forbidden IPv4 address (built from raw bytes: Java would unwrap mapped literals). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "00000000000000000000ffff7f000001", // ::ffff:127.0.0.1 (IPv4-mapped)
        "00000000000000000000ffffa9fea9fe", // ::ffff:169.254.169.254
        "00000000000000000000ffff0a000001", // ::ffff:10.0.0.1
        "0000000000000000000000007f000001", // ::127.0.0.1 (IPv4-compatible)
        "0064ff9b0000000000000000c0a80101", // 64:ff9b::192.168.1.1 (NAT64)
        "20027f00000100000000000000000001", // 2002:7f00:1::1 (6to4 of 127.0.0.1)
        "00000000000000000000ffff00000000"}) // ::ffff:0.0.0.0
    void embeddedForbiddenIpv4IsDenied(String hex) throws Exception {
        InetAddress address = Inet6Address.getByAddress(null, HexFormat.of().parseHex(hex), -1);
        assertFalse(byDefault.permits(address), address.toString());
    }

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "203.0.114.1", "2606:4700:4700::1111", "2a00:1450::1"})
    void publicAddressesAreAllowed(String ip) throws Exception {
        assertTrue(byDefault.permits(InetAddress.getByName(ip)), ip);
    }

    @Test
    void mappedPublicAddressIsAllowedAndNormalised() throws Exception {
        InetAddress mapped = Inet6Address.getByAddress(null, HexFormat.of().parseHex("00000000000000000000ffff08080808"), -1);
        assertTrue(byDefault.permits(mapped));
        assertEquals(InetAddress.getByName("8.8.8.8"), PeerAddressPolicy.normalize(mapped));
    }

    @Test
    void allowListOpensExactlyItsRanges() throws Exception {
        PeerAddressPolicy policy = PeerAddressPolicy.fromConfig(List.of("127.0.0.1/32", "10.20.0.0/16"));
        assertTrue(policy.permits(InetAddress.getByName("127.0.0.1")));
        assertFalse(policy.permits(InetAddress.getByName("127.0.0.2")));
        assertTrue(policy.permits(InetAddress.getByName("10.20.3.4")));
        assertFalse(policy.permits(InetAddress.getByName("10.21.0.1")));
        assertTrue(policy.permits(Inet6Address.getByAddress(null,
                HexFormat.of().parseHex("00000000000000000000ffff7f000001"), -1)), "mapped form of an allowed address");
        assertFalse(policy.permits(InetAddress.getByName("169.254.169.254")));
    }

    @Test
    void cidrParsing() {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertTrue(Cidr.parse("10.0.0.0/8").contains(new byte[] {10, 9, 9, 9}));
        assertFalse(Cidr.parse("10.0.0.0/8").contains(new byte[] {11, 0, 0, 0}));
        assertTrue(Cidr.parse("100.64.0.0/10").contains(new byte[] {100, 127, 0, 1}));
        assertFalse(Cidr.parse("100.64.0.0/10").contains(new byte[] {100, (byte) 128, 0, 1}));
    }
}
