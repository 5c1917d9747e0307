package io.c2c.discovery.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerJoined;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parallel decoding keeps record order and turns every bad value into a null slot (pure; no Kafka needed). */
class BatchDecoderTest {

    @Test
    void keepsOrderAcrossSlicesAndNullsOutBadValues() {
        List<byte[]> values = new ArrayList<>();
        List<PeerEvent> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            if (i % 97 == 0) {
                values.add(new byte[][] {"{oops".getBytes(StandardCharsets.UTF_8), "null".getBytes(StandardCharsets.UTF_8),
                        null, "{\"type\":\"peer-left\",\"schemaVersion\":7}".getBytes(StandardCharsets.UTF_8)}[i % 4]);
                expected.add(null);
            } else {
                PeerEvent e = PeerJoined.of("s", "p" + i, 1 + i, "pod", NetworkPosition.UNKNOWN, i);
                values.add(PeerEvent.encode(e));
                expected.add(e);
            }
        }
        for (int threads : new int[] {1, 2, 4}) {
            try (BatchDecoder decoder = new BatchDecoder(threads)) {
                PeerEvent[] decoded = decoder.decode(values);
                assertEquals(expected, asList(decoded), "threads=" + threads);
            }
        }
        try (BatchDecoder decoder = new BatchDecoder(2)) {
            assertEquals(0, decoder.decode(List.of()).length);
            assertNull(decoder.decode(java.util.Collections.singletonList("null".getBytes(StandardCharsets.UTF_8)))[0]);
        }
    }

    private static List<PeerEvent> asList(PeerEvent[] events) {
        List<PeerEvent> list = new ArrayList<>(events.length);
        java.util.Collections.addAll(list, events);
        return list;
    }
}
