package io.c2c.signaling.site.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Pure logic: canonical domain names, table-driven, no Quarkus needed. */
class HostnamesTest {

    @ParameterizedTest
    @CsvSource({
        "www.example.com, www.example.com",
        "WWW.Example.COM., www.example.com",
        "'  shop.example.org ', shop.example.org",
        "bücher.example, xn--bcher-kva.example",
        "例え.テスト, xn--r8jz45g.xn--zckzah",
        "a-b.c-d.example, a-b.c-d.example",
        "xn--bcher-kva.example, xn--bcher-kva.example"
    })
    void acceptsAndCanonicalizes(String input, String expected) {
        Hostnames.Result result = Hostnames.canonical(input);
        assertTrue(result.ok(), result.error());
        assertEquals(expected, result.value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "*.example.com", "a.*.example", "192.168.0.1", "10.0.0.1", "[::1]", "::1",
        "example", "localhost", "foo.localhost", "a..example", ".example.com", "-a.example", "a-.example",
        "under_score.example", "www.example.com:443", "http://www.example.com", "www.example.com/path",
        "user@www.example.com", "exa mple.com", "a.b.c.123"})
    void rejects(String input) {
        assertFalse(Hostnames.canonical(input).ok(), input);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "toolonglabel"})
    void rejectsOverlongNames(String seed) {
        String label = seed.repeat(70).substring(0, 64);
        assertFalse(Hostnames.canonical(label + ".example").ok());
        String name = ("a".repeat(60) + ".").repeat(5) + "example";
        assertFalse(Hostnames.canonical(name).ok(), "over 253 characters");
    }

    @ParameterizedTest
    @CsvSource({
        "www.example.com, www.example.com",
        "WWW.EXAMPLE.COM:8443, www.example.com",
        "www.example.com.:443, www.example.com",
        "bücher.example, xn--bcher-kva.example"
    })
    void normalizesHostHeaders(String header, String expected) {
        assertEquals(Optional.of(expected), Hostnames.forLookup(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[::1]:8080", "127.0.0.1:80", "*.example.com", "a..b"})
    void hostHeadersThatCannotBeSitesMiss(String header) {
        assertEquals(Optional.empty(), Hostnames.forLookup(header));
    }

    /** Fuzz-style: the allocation-free fast path of forLookup agrees with the full canonicalization. */
    @org.junit.jupiter.api.Test
    void fastLookupPathAgreesWithTheFullCheck() {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "abcxn-.09:Aü";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder host = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int j = 0; j < length; j++) {
                host.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String h = host.toString();
            int colon = h.lastIndexOf(':');
            String withoutPort = colon >= 0 ? h.substring(0, colon) : h;
            Hostnames.Result full = Hostnames.canonical(withoutPort);
            Optional<String> expected = full.ok() ? Optional.of(full.value()) : Optional.empty();
            assertEquals(expected, Hostnames.forLookup(h), h);
        }
    }
}
