package io.c2c.signaling.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Table of sources and what the minifier makes of them; the real modules are checked by BrowserModulesTest. */
class JsMinifierTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("// only a comment\n", ""),
                Arguments.of("const a = 1; // why\n", "const a = 1;\n"),
                Arguments.of("/** Doc.\n * more\n */\nexport const a = 1;\n", "export const a = 1;\n"),
                Arguments.of("  if (x) {\n\n    y();\n  }\n", "if (x) {\ny();\n}\n"),
                Arguments.of("a /* inline */ + b;\n", "a + b;\n"),
                Arguments.of("a/**/b\n", "a b\n"),
                Arguments.of("a = 1 /* spans\n lines */ b = 2\n", "a = 1\nb = 2\n"),
                Arguments.of("const s = 'http://x // not a comment';\n", "const s = 'http://x // not a comment';\n"),
                Arguments.of("const s = \"a /* b */ c\";\n", "const s = \"a /* b */ c\";\n"),
                Arguments.of("const s = 'it\\'s // still';\n", "const s = 'it\\'s // still';\n"),
                Arguments.of("const t = `line1\n    // kept\n  ${a /* gone */ + 1} end`;\n",
                        "const t = `line1\n    // kept\n  ${a + 1} end`;\n"),
                Arguments.of("const t = `${ {a: `${b}`}.a } // x`; // y\n", "const t = `${ {a: `${b}`}.a } // x`;\n"),
                Arguments.of("const r = /^https?:\\/\\/[^/]+/g; // host\n", "const r = /^https?:\\/\\/[^/]+/g;\n"),
                Arguments.of("const r = /[/*]x/; const q = a / b / c;\n", "const r = /[/*]x/; const q = a / b / c;\n"),
                Arguments.of("return /\\d+/.test(s) // digits\n", "return /\\d+/.test(s)\n"),
                Arguments.of("x = total / 2 / count;\n", "x = total / 2 / count;\n"),
                Arguments.of("f(a, /x\\/y/i)\n", "f(a, /x\\/y/i)\n"),
                Arguments.of("a\r\n  b\r\n", "a\nb\n"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void minifies(String source, String expected) {
        assertEquals(expected, JsMinifier.minify(source));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a = 'open", "a = \"open\nb\"", "a = `open", "/* open", "x = /open\n", "t = `${ a `"})
    void refusesWhatItCannotScan(String source) {
        assertThrows(IllegalArgumentException.class, () -> JsMinifier.minify(source));
    }

    @Test
    void minifyingTwiceChangesNothingMore() {
        String once = JsMinifier.minify("/** a */\nfunction f(x) {\n  // b\n  return x / 2; /* c */\n}\n");
        assertEquals(once, JsMinifier.minify(once));
        assertTrue(once.startsWith("function f(x) {\n"), once);
    }
}
