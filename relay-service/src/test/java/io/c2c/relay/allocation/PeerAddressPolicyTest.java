package io.c2c.relay.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay's peer policy: the shared deny list (every class is tested in net-policy's AddressClassifierTest; here
 * one address of each, as the TURN security rule names them), the relay's allow-list setting and the IPv4 form
 * it sends to (pure logic).
 */
class PeerAddressPolicyTest {

    private final PeerAddressPolicy byDefault = PeerAddressPolicy.fromConfig(List.of());

    @ParameterizedTest(name = "{0} is denied by default")
    @ValueSource(strings = {
        "127.0.0.1", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254",
        "224.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1", "192.0.0.8",
        "::", "::1", "fe80::1", "fd00:ec2::254", "ff02::1", "2001:db8::1", "2001::1", "64:ff9b:1::1"})
    void deniedByDefault(String ip) throws Exception {
        assertFalse(byDefault.permits(InetAddress.getByName(ip)), ip);
    }

    /** IPv6 forms that embed a forbidden IPv4 address (built from raw bytes: Java would unwrap mapped literals). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "00000000000000000000ffff7f000001", // ::ffff:127.0.0.1 (IPv4-mapped)
        "00000000000000000000ffffa9fea9fe", // ::ffff:169.254.169.254
        "0000000000000000000000007f000001", // ::127.0.0.1 (IPv4-compatible)
        "0064ff9b0000000000000000c0a80101", // 64:ff9b::192.168.1.1 (NAT64)
        "20027f00000100000000000000000001"}) // 2002:7f00:1::1 (6to4 of 127.0.0.1)
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
        InetAddress v6 = InetAddress.getByName("2606:4700:4700::1111");
        assertSame(v6, PeerAddressPolicy.normalize(v6), "only the mapped form changes");
    }

    @Test
    void allowListOpensExactlyItsRanges() throws Exception {
        PeerAddressPolicy policy = PeerAddressPolicy.fromConfig(List.of("127.0.0.1/32", "10.20.0.0/16", ""));
        assertTrue(policy.permits(InetAddress.getByName("127.0.0.1")));
        assertFalse(policy.permits(InetAddress.getByName("127.0.0.2")));
        assertTrue(policy.permits(InetAddress.getByName("10.20.3.4")));
        assertFalse(policy.permits(InetAddress.getByName("10.21.0.1")));
        assertTrue(policy.permits(Inet6Address.getByAddress(null,
                HexFormat.of().parseHex("00000000000000000000ffff7f000001"), -1)), "mapped form of an allowed address");
        assertFalse(policy.permits(InetAddress.getByName("169.254.169.254")));
    }

    @Test
    void aBadAllowListEntryIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> PeerAddressPolicy.fromConfig(List.of("relay.example.com/8")));
        assertThrows(IllegalArgumentException.class, () -> PeerAddressPolicy.fromConfig(List.of("10.0.0.0/33")));
    }
}
