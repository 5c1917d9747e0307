package io.c2c.signaling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A format accepts exactly what the regular expression it prints accepts. */
class TokenFormatTest {

    static Stream<Arguments> cases() {
        String peer = "0123456789abcdef0123456789abcdef";
        return Stream.of(
                Arguments.of(Fields.PEER_ID, peer, true),
                Arguments.of(Fields.PEER_ID, peer.toUpperCase(), false),
                Arguments.of(Fields.PEER_ID, peer.substring(1), false),
                Arguments.of(Fields.PEER_ID, peer + "0", false),
                Arguments.of(Fields.PEER_ID, peer.substring(1) + "g", false),
                Arguments.of(Fields.PEER_ID, peer.substring(1) + "\u00e9", false),
                Arguments.of(Fields.PEER_ID, "", false),
                Arguments.of(Fields.SHA256, "ab".repeat(32), true),
                Arguments.of(Fields.SHA256, "ab".repeat(31), false),
                Arguments.of(Fields.MESSAGE_ID, "a", true),
                Arguments.of(Fields.MESSAGE_ID, "A-z_0.9:x", true),
                Arguments.of(Fields.MESSAGE_ID, "x".repeat(64), true),
                Arguments.of(Fields.MESSAGE_ID, "x".repeat(65), false),
                Arguments.of(Fields.MESSAGE_ID, "has space", false),
                Arguments.of(Fields.MESSAGE_ID, "slash/", false),
                Arguments.of(Fields.MESSAGE_ID, "", false),
                Arguments.of(Fields.ID, "x".repeat(128), true),
                Arguments.of(Fields.ID, "x".repeat(129), false),
                Arguments.of(Fields.ROOM, "lobby-1", true),
                Arguments.of(Fields.ROOM, "lobby\u0000", false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void acceptsWhatItsRegexAccepts(TokenFormat format, String value, boolean expected) {
        assertEquals(expected, format.matches(value), format + " on " + value);
        assertEquals(expected, Pattern.matches(format.toString(), value), "the table itself: " + format + " on " + value);
    }

    @Test
    void printsTheRegexTheFieldsDocumented() {
        assertEquals("[0-9a-f]{32}", Fields.PEER_ID.toString());
        assertEquals("[A-Za-z0-9._:-]{1,128}", Fields.ID.toString());
    }

    @Test
    void agreesWithItsRegexOnRandomStrings() {
        // an alphabet around every boundary of the classes: neighbours of 0-9, a-f, A-Z, the punctuation, non-ASCII
        String alphabet = "/09:;@AFGZ[`afgz{._-\u007f\u0080\u00e9\u0100\u20ac";
        Object[][] formats = {
                {Fields.PEER_ID, "0123456789abcdef0123456789abcdef"}, {Fields.SHA256, "ab".repeat(32)},
                {Fields.MESSAGE_ID, "A-z_0.9:x"}, {Fields.ID, "x".repeat(127)}, {new TokenFormat("a-c", 2, 3), "abc"}};
        Random random = new Random(42);
        for (Object[] row : formats) {
            TokenFormat format = (TokenFormat) row[0];
            Pattern regex = Pattern.compile(format.toString());
            int accepted = 0;
            int refused = 0;
            for (int i = 0; i < 20_000; i++) {
                // a valid value with up to three random edits (replace, insert, delete), or random text
                StringBuilder value = new StringBuilder((String) row[1]);
                if (random.nextInt(4) == 0) {
                    value.setLength(0);
                    for (int j = random.nextInt(140); j > 0; j--) {
                        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                } else {
                    for (int edits = random.nextInt(4); edits > 0; edits--) {
                        char c = random.nextBoolean() ? alphabet.charAt(random.nextInt(alphabet.length()))
                                : value.length() == 0 ? 'a' : value.charAt(random.nextInt(value.length()));
                        int at = random.nextInt(value.length() + 1);
                        switch (random.nextInt(3)) {
                            case 0 -> value.insert(at, c);
                            case 1 -> value.deleteCharAt(Math.min(at, value.length() - 1));
                            default -> value.setCharAt(Math.min(at, value.length() - 1), c);
                        }
                        if (value.length() == 0) {
                            break;
                        }
                    }
                }
                boolean expected = regex.matcher(value).matches();
                accepted += expected ? 1 : 0;
                refused += expected ? 0 : 1;
                assertEquals(expected, format.matches(value.toString()), format + " on " + value);
            }
            // the fuzz must reach both answers for the comparison to mean anything
            assertTrue(accepted > 1000 && refused > 1000, format + ": " + accepted + " accepted, " + refused + " refused");
        }
    }

    @Test
    void refusesBadDefinitions() {
        assertThrows(IllegalArgumentException.class, () -> new TokenFormat("a-z", 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new TokenFormat("z-a", 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new TokenFormat("\u00e9", 1, 2));
    }
}
