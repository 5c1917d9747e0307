package io.c2c.signaling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
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

    @Test
    void aBatchDecodesToItsEnvelopesInOrderLeavingOutMalformedOnes() {
        Envelope first = Envelope.message("demo", "p1", 1L, 0, "a.1", "{\"type\":\"signal\",\"payload\":{ \"x\" :\n\"a|b\" }}");
        Envelope second = Envelope.message("demo", "p2", 2L, 1, "a.2", "{}");
        Envelope kick = Envelope.kick("p3", "conn");
        String batch = Envelope.batch(List.of(first.encode(), "m|broken", second.encode(), kick.encode()));
        assertEquals(List.of(first, second, kick), Envelope.decodeAll(batch));
        assertEquals(List.of(first), Envelope.decodeAll(first.encode()));
        assertEquals(List.of(), Envelope.decodeAll("b|"));
        assertEquals(List.of(), Envelope.decodeAll(Envelope.PROBE));
    }

    @Test
    void aBodyHoldingTheBatchSeparatorIsRefused() {
        Envelope withSeparator = Envelope.message("demo", "p1", 1L, 0, "a.1", "{\"x\":\"\u001e\"}");
        assertThrows(IllegalArgumentException.class, withSeparator::encode, "refused where it would enter a batch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "p", "x|y", "m|", "m|a|b", "m|a|b|notanumber|0|i|{}", "m|a|b|1|x|i|{}", "m|a|b|1|0", "k|"})
    void malformedIsNull(String text) {
        assertNull(Envelope.decode(text));
    }
}
