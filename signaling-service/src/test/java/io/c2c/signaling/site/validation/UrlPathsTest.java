package io.c2c.signaling.site.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure logic: the canonical form of site paths, table-driven, no Quarkus needed. */
class UrlPathsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/                      | /",
        "/index.html            | /index.html",
        "/docs/                 | /docs/",
        "/a%20b.png             | /a%20b.png",
        "/a b.png               | /a%20b.png",
        "/caf%C3%A9.html        | /caf%C3%A9.html",
        "/caf%c3%a9.html        | /caf%C3%A9.html",
        "/café.html             | /caf%C3%A9.html",
        "/%E4%BE%8B/%F0%9F%98%80 | /%E4%BE%8B/%F0%9F%98%80",
        "/例/😀                 | /%E4%BE%8B/%F0%9F%98%80",
        "/%41%62%63%2D%7e       | /Abc-~",
        "/a+b/c;v=1/d:e@f       | /a+b/c;v=1/d:e@f",
        "/a%2Bb/%3B             | /a%2Bb/%3B",
        "/a\"<>{}^`[]           | /a%22%3C%3E%7B%7D%5E%60%5B%5D",
        "/100%25                | /100%25",
        "/...                   | /...",
        "/.well-known/x         | /.well-known/x",
        "/a.b/c..d              | /a.b/c..d"
    })
    void canonicalizes(String input, String expected) {
        UrlPaths.Result result = UrlPaths.canonical(input, 1024);
        assertTrue(result.ok(), input + ": " + result.error());
        assertEquals(expected, result.path());
        // canonical is a fixed point: canonicalizing again changes nothing
        assertEquals(expected, UrlPaths.canonical(expected, 1024).path());
    }

    @ParameterizedTest(name = "{0} refused")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL                   | must start with /",
        "''                     | must start with /",
        "index.html             | must start with /",
        "http://evil/           | must start with /",
        "//evil.example/x       | empty segments",
        "/a//b                  | empty segments",
        "/a/../b                | . or ..",
        "/..                    | . or ..",
        "/./a                   | . or ..",
        "/%2e%2e/etc            | . or ..",
        "/%2E%2E                | . or ..",
        "/.%2e/x                | . or ..",
        "/a/%2e                 | . or ..",
        "/a%2Fb                 | encoded slashes",
        "/a%2fb                 | encoded slashes",
        "/..%2f..%2fetc         | encoded slashes",
        "/a%5Cb                 | encoded slashes",
        "/a\\b                  | \\",
        "/a%00.txt              | NUL",
        "/a%0A                  | NUL",
        "/a%7F                  | NUL",
        "/a?x=1                 | no ? or #",
        "/a#x                   | no ? or #",
        "/a%                    | malformed",
        "/a%2                   | malformed",
        "/a%zz                  | malformed",
        "/a%C3                  | UTF-8",
        "/a%C3%28               | UTF-8",
        "/a%C0%AF               | UTF-8",
        "/a%ED%A0%80            | UTF-8",
        "/a%FF                  | UTF-8",
        "/a%F8%88%80%80%80      | UTF-8"
    })
    void refuses(String input, String reason) {
        UrlPaths.Result result = UrlPaths.canonical(input, 1024);
        assertFalse(result.ok(), input + " -> " + result.path());
        assertNull(result.path());
        assertTrue(result.error().contains(reason), input + ": " + result.error());
    }

    @Test
    void refusesControlCharactersLoneSurrogatesAndOverlongPaths() {
        assertEquals("/a%7Cb", UrlPaths.canonical("/a|b", 1024).path());
        assertFalse(UrlPaths.canonical("/a\u0000b", 1024).ok());
        assertFalse(UrlPaths.canonical("/a\tb", 1024).ok());
        assertFalse(UrlPaths.canonical("/a\ud800b", 1024).ok());
        assertTrue(UrlPaths.canonical("/" + "a".repeat(1023), 1024).ok());
        assertFalse(UrlPaths.canonical("/" + "a".repeat(1024), 1024).ok());
        // under the limit as typed, over it once encoded
        assertFalse(UrlPaths.canonical("/" + "é".repeat(400), 1024).ok());
    }

    @Test
    void fuzzedInputNeverThrowsAndEveryAcceptedPathIsAFixedPointWithoutTraversal() {
        Random random = new Random(20261126);
        String alphabet = "/%.aZ09-_~2fFeE5cC+; \"?#\\\u00e9\u0000";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder input = new StringBuilder("/");
            int length = random.nextInt(16);
            for (int k = 0; k < length; k++) {
                input.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            UrlPaths.Result result = UrlPaths.canonical(input.toString(), 64);
            if (!result.ok()) {
                continue;
            }
            String path = result.path();
            assertEquals(path, UrlPaths.canonical(path, 64).path(), input.toString());
            assertFalse(path.contains("//") || path.contains("/../") || path.endsWith("/..")
                    || path.toUpperCase().contains("%2F") || path.contains("?") || path.contains("#")
                    || path.contains(" ") || path.contains("\\"), input + " -> " + path);
        }
    }
}
