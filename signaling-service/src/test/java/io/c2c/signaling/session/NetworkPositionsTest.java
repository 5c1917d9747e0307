package io.c2c.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure logic, no Quarkus: only a prefix of the address ever leaves the pod. */
class NetworkPositionsTest {

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
            "198.51.100.23:5000, 198.51.100.0/24",
            "/127.0.0.1:41000, 127.0.0.0/24",
            "[2001:db8:aa:bb::1]:443, 2001:db8:aa::/48",
            "2001:db8:aa:bb::1, 2001:db8:aa::/48",
            "NULL, NULL",
            "garbage, NULL"})
    void prefix(String remote, String expected) {
        assertEquals(expected, NetworkPositions.prefix(remote));
    }
}
