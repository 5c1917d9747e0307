package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.support.RawWebSocket;
import io.c2c.signaling.support.WsClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A connection stops being read while its event loop is behind, and is read again once the loop caught up,
 * with nothing lost and the order kept (the backlog limit is 1 task, so a burst of frames arriving together
 * pauses the sender's reads as soon as one read has queued two messages); a peer that does not read is
 * closed once more than max-unread-bytes wait for it.
 */
@QuarkusTest
@TestProfile(ConnectionBackpressureTest.TinyBacklog.class)
class ConnectionBackpressureTest {

    static final String ORIGIN = "http://demo.test";
    static final int BURST = 400;

    public static class TinyBacklog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.vertx.event-loops-pool-size", "1", "quarkus.http.io-threads", "1",
                    "c2c.signaling.read-pause-backlog", "1", "c2c.signaling.max-unread-bytes", "65536",
                    // the burst is far above a visitor's allowance; this test is about the event loop
                    "c2c.signaling.rate-limit-per-second", "100000", "c2c.signaling.rate-limit-burst", "100000");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    MeterRegistry registry;

    @Test
    void aBurstPausesTheSendersReadsAndEverySignalStillArrivesInOrder() throws Exception {
        try (WsClient receiver = WsClient.hello(WsClient.endpoint(base.getPort()), ORIGIN, "demo");
             RawWebSocket sender = RawWebSocket.connect(base.getPort(), ORIGIN)) {
            String from = sender.hello("demo");
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                burst.add("{\"type\":\"signal\",\"to\":\"" + receiver.peerId + "\",\"kind\":\"candidate\",\"payload\":{\"n\":"
                        + i + ",\"pad\":\"" + "x".repeat(100) + "\"}}");
            }
            double pausesBefore = pauses();

            sender.sendTogether(burst);
            for (int i = 0; i < BURST; i++) {
                JsonNode signal = receiver.await("signal");
                assertEquals(from, signal.get("from").asText());
                assertEquals(i, signal.at("/payload/n").asInt(), "order kept");
            }

            assertTrue(pauses() > pausesBefore, "the sender's reads were paused at least once");
            // and the connection is read again afterwards: a later signal still arrives
            sender.sendTogether(List.of("{\"type\":\"signal\",\"to\":\"" + receiver.peerId
                    + "\",\"kind\":\"bye\",\"payload\":{\"n\":" + BURST + "}}"));
            assertEquals(BURST, receiver.await("signal").at("/payload/n").asInt());
        }
    }

    @Test
    void aPeerThatDoesNotReadIsClosedOnceTooMuchWaitsForIt() throws Exception {
        try (RawWebSocket stuck = RawWebSocket.connect(base.getPort(), ORIGIN);
             WsClient sender = WsClient.hello(WsClient.endpoint(base.getPort()), ORIGIN, "demo")) {
            String stuckId = stuck.hello("demo");
            double closesBefore = slowReaderCloses();
            String payload = "{\"pad\":\"" + "x".repeat(60_000) + "\"}";
            // the kernel's socket buffers take the first few MB; past them, 64 KiB in Netty's buffer is the limit
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int sent = 0;
            while (slowReaderCloses() == closesBefore && sent < 1000 && System.nanoTime() < deadline) {
                sender.signal(stuckId, "offer", payload);
                sent++;
                if (sent % 20 == 0) {
                    Thread.sleep(50);
                }
            }
            long waitUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (slowReaderCloses() == closesBefore && System.nanoTime() < waitUntil) {
                Thread.sleep(50);
            }
            assertTrue(slowReaderCloses() > closesBefore, "closed as a slow reader after " + sent + " signals of 60 KB");
        }
    }

    private double slowReaderCloses() {
        return registry.counter("c2c.signaling.slow.reader.closes").count();
    }

    private double pauses() {
        return registry.counter("c2c.signaling.read.pauses").count();
    }
}
