package io.c2c.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Pure logic, table-driven: the deny list with and without an operator allow-list. */
class AddressPolicyTest {

    private static final AddressPolicy STRICT = AddressPolicy.fromConfig(List.of());
    private static final AddressPolicy LOCAL = AddressPolicy.fromConfig(List.of("127.0.0.1/32", "10.20.0.0/16", " "));
    private static final AddressPolicy LOOPBACK_V6 = AddressPolicy.fromConfig(List.of("::1/128", "fd00::/8"));

    @ParameterizedTest(name = "{0}: strict {1}, local {2}, v6 {3}")
    @CsvSource({
        "93.184.216.34,                     true,  true,  true",
        "2606:4700:4700::1111,              true,  true,  true",
        "hex:00000000000000000000ffff08080808, true, true, true",
        "127.0.0.1,                         false, true,  false",
        "127.0.0.2,                         false, false, false",
        "hex:00000000000000000000ffff7f000001, false, true, false",
        "hex:0000000000000000000000007f000001, false, true, false",
        "64:ff9b::7f00:1,                   false, true,  false",
        "2002:7f00:1::1,                    false, true,  false",
        "10.20.3.4,                         false, true,  false",
        "10.21.0.1,                         false, false, false",
        "169.254.169.254,                   false, false, false",
        "::1,                               false, false, true",
        "fd00:ec2::254,                     false, false, true",
        "fc00::1,                           false, false, false",
        "::,                                false, false, false",
    })
    void allowListOpensExactlyItsRanges(String address, boolean strict, boolean local, boolean v6) throws Exception {
        byte[] raw = Addresses.raw(address);
        assertEquals(strict, STRICT.permits(raw), "strict " + address);
        assertEquals(local, LOCAL.permits(raw), "local " + address);
        assertEquals(v6, LOOPBACK_V6.permits(raw), "v6 " + address);
        assertEquals(local, LOCAL.permits(Addresses.address(address)), "InetAddress " + address);
    }

    @Test
    void configIsParsedStrictly() {
        assertEquals(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("10.20.0.0/16")), LOCAL.allowed());
        assertThrows(IllegalArgumentException.class, () -> AddressPolicy.fromConfig(List.of("localhost")));
        assertThrows(IllegalArgumentException.class, () -> AddressPolicy.fromConfig(List.of("10.0.0.0/40")));
    }
}
