package io.c2c.signaling.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure logic, no Quarkus: which Origin headers belong to a site. */
class OriginPolicyTest {

    static final SiteInfo SITE = new SiteInfo("s", List.of("www.example.com", " Example.ORG ", "localhost:8080"));

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
            "https://www.example.com, true",
            "http://www.example.com, true",
            "https://www.example.com:8443, true",
            "https://WWW.EXAMPLE.COM, true",
            "https://example.org, true",
            "http://localhost:8080, true",
            "http://localhost:8081, false",
            "http://localhost, false",
            "https://example.com, false",
            "https://www.example.com.evil.test, false",
            "https://evil.test/www.example.com, false",
            "https://user@www.example.com, true",
            "null, false",
            "NULL, false",
            "'', false",
            "www.example.com, false",
            "https://, false",
            "::::, false"})
    void decides(String origin, boolean allowed) {
        assertEquals(allowed, OriginPolicy.allows(SITE, origin), String.valueOf(origin));
    }
}
