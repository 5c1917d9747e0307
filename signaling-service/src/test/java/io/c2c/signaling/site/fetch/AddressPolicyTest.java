package io.c2c.signaling.site.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Pure logic: which addresses the platform may fetch from (SSRF guard), table-driven. */
class AddressPolicyTest {

    private static final AddressPolicy STRICT = AddressPolicy.fromConfig(List.of());
    private static final AddressPolicy LOOPBACK_ALLOWED = AddressPolicy.fromConfig(List.of("127.0.0.0/8"));

    @ParameterizedTest
    @CsvSource({
        "93.184.216.34, true",
        "2606:2800:220:1:248:1893:25c8:1946, true",
        "127.0.0.1, false",
        "127.8.9.10, false",
        "10.1.2.3, false",
        "172.16.0.1, false",
        "172.31.255.255, false",
        "172.32.0.1, true",
        "192.168.1.1, false",
        "169.254.169.254, false",
        "100.64.0.1, false",
        "0.0.0.0, false",
        "224.0.0.1, false",
        "255.255.255.255, false",
        "198.18.0.1, false",
        "::1, false",
        "::, false",
        "fe80::1, false",
        "fd00::1, false",
        "ff02::1, false",
        "::ffff:127.0.0.1, false",
        "::ffff:10.0.0.1, false",
        "::ffff:93.184.216.34, true",
        "64:ff9b::a00:1, false",
        "64:ff9b::5db8:d822, true",
        "::7f00:1, false"
    })
    void strictPolicy(String address, boolean permitted) throws Exception {
        assertEquals(permitted, STRICT.permits(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, true", "::ffff:127.0.0.1, true", "10.0.0.1, false", "::1, false"})
    void allowListOpensOnlyTheNamedNetwork(String address, boolean permitted) throws Exception {
        assertEquals(permitted, LOOPBACK_ALLOWED.permits(InetAddress.getByName(address)), address);
    }

    @Test
    void cidrsParseOnlyLiterals() {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("/8"));
        assertEquals(12, Cidr.parse("172.16.0.0/12").prefixLength());
    }
}
