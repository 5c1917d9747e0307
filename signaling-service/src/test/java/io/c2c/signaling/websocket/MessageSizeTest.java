package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The frame size bound counts UTF-8 bytes, whatever shortcut it takes. */
class MessageSizeTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a".repeat(30), 30, false),
                Arguments.of("a".repeat(31), 30, true),
                Arguments.of("é".repeat(15), 30, false),
                Arguments.of("é".repeat(16), 30, true),
                Arguments.of("a".repeat(29) + "é", 30, true),
                Arguments.of("€".repeat(10), 30, false),
                Arguments.of("€".repeat(10) + "a", 30, true),
                Arguments.of("😀".repeat(7) + "aa", 30, false),
                Arguments.of("😀".repeat(7) + "aaa", 30, true),
                Arguments.of("", 0, false),
                Arguments.of("a", 0, true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void countsUtf8Bytes(String text, int max, boolean above) {
        assertEquals(above, SignalingEndpoint.utf8LengthAbove(text, max));
    }

    @Test
    void agreesWithTheEncoderOnRandomText() {
        Random random = new Random(5);
        String[] pieces = {"a", "é", "€", "😀", "\u0000", "\"", "ß"};
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            int max = random.nextInt(120);
            int bytes = text.toString().getBytes(StandardCharsets.UTF_8).length;
            assertEquals(bytes > max, SignalingEndpoint.utf8LengthAbove(text.toString(), max), text + " max " + max);
        }
    }
}
