package io.c2c.signaling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pure logic, no Quarkus: the inbox/buffer envelope survives a round trip, bodies with '|' included. */
class EnvelopeTest {

    @Test
    void messageRoundTrip() {
        Envelope e = Envelope.message("demo", "ab12", 1234567890123L, 2, "abc.1f", "{\"type\":\"signal\",\"payload\":\"a|b|c\"}");
        assertEquals(e, Envelope.decode(e.encode()));
    }

    @Test
    void kickRoundTrip() {
        Envelope e = Envelope.kick("peer", "conn");
        assertEquals(e, Envelope.decode(e.encode()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "p", "x|y", "m|", "m|a|b", "m|a|b|notanumber|0|i|{}", "m|a|b|1|x|i|{}", "m|a|b|1|0", "k|"})
    void malformedIsNull(String text) {
        assertNull(Envelope.decode(text));
    }
}
