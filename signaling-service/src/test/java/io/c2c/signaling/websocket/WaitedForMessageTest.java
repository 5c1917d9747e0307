package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.support.RawWebSocket;
import io.c2c.signaling.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * While one of a connection's messages is waited for (here a {@code find} that discovery does not answer),
 * the pod stops reading that connection: what the client sends meanwhile stays in the kernel's buffers and
 * TCP holds the client back, instead of piling up in the pod's heap. Once the message is handled, reading
 * goes on and every message sent meanwhile is answered, in order.
 */
@QuarkusTest
@TestProfile(WaitedForMessageTest.SilentDiscovery.class)
class WaitedForMessageTest {

    static final String ORIGIN = "http://demo.test";
    static final int PINGS = 6_000;
    static final int PAD = 8_000;
    /** What the flood would put in the pod: 6,000 frames of ~8 KB, about 48 MB. */
    static final long FLOOD_BYTES = (long) PINGS * PAD;

    /** Discovery that takes requests and does not answer them until the test says so (503 then). */
    public static class SilentDiscovery implements QuarkusTestProfile {
        static final ServerSocket LISTENER;
        static final List<Socket> ACCEPTED = new CopyOnWriteArrayList<>();

        static {
            try {
                LISTENER = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread acceptor = new Thread(() -> {
                while (!LISTENER.isClosed()) {
                    try {
                        ACCEPTED.add(LISTENER.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-discovery");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("c2c.signaling.discovery-url", "http://127.0.0.1:" + LISTENER.getLocalPort(),
                    "c2c.signaling.upstream-timeout", "60s",
                    // the flood is far above a visitor's allowance; this test is about reading
                    "c2c.signaling.rate-limit-per-second", "1000000", "c2c.signaling.rate-limit-burst", "1000000");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aConnectionIsNotReadWhileItsMessageIsWaitedForAndNothingSentMeanwhileIsLost() throws Exception {
        SilentDiscovery.ACCEPTED.clear(); // a rerun starts afresh; the listener lives as long as the application
        try (RawWebSocket ws = RawWebSocket.connect(base.getPort(), ORIGIN)) {
            ws.hello("demo");
            ws.sendTogether(List.of("{\"type\":\"find\",\"id\":\"waits\",\"asset\":\"" + "c".repeat(64) + "\"}"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (SilentDiscovery.ACCEPTED.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(SilentDiscovery.ACCEPTED.isEmpty(), "the find reached discovery");

            AtomicLong written = new AtomicLong();
            List<Throwable> writeFailures = new CopyOnWriteArrayList<>();
            String pad = "x".repeat(PAD - 60);
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < PINGS; i += 20) {
                        List<String> batch = new ArrayList<>();
                        for (int j = i; j < i + 20; j++) {
                            batch.add("{\"type\":\"ping\",\"id\":\"p" + j + "\",\"pad\":\"" + pad + "\"}");
                        }
                        ws.sendTogether(batch);
                        written.addAndGet(20L * PAD);
                    }
                } catch (IOException e) {
                    writeFailures.add(e);
                }
            }, "flood");
            writer.setDaemon(true);
            writer.start();
            writer.join(4_000);
            long takenWhileWaiting = written.get();
            // kernel buffers on loopback take a few MB (send and receive buffers autotune to 4 and 6 MiB)
            assertTrue(takenWhileWaiting < FLOOD_BYTES / 3,
                    "while the find was waited for, the client could hand over only "
                            + takenWhileWaiting + " of " + FLOOD_BYTES + " bytes");
            assertTrue(writer.isAlive(), "the client was held back by TCP");

            // discovery answers 503: the find gets its error, and the connection is read again
            for (Socket accepted : SilentDiscovery.ACCEPTED) {
                accepted.getOutputStream().write(
                        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                accepted.close();
            }
            JsonNode failed = WsClient.JSON.readTree(ws.readText());
            assertEquals("error", failed.path("type").asText(), failed.toString());
            assertEquals("waits", failed.path("re").asText(), failed.toString());
            assertEquals("upstream-failed", failed.path("code").asText(), failed.toString());
            for (int i = 0; i < PINGS; i++) {
                JsonNode pong = WsClient.JSON.readTree(ws.readText());
                assertEquals("pong", pong.path("type").asText(), pong.toString());
                assertEquals("p" + i, pong.path("re").asText(), "every ping answered once, in order");
            }
            writer.join(10_000);
            assertEquals(List.of(), writeFailures);
            assertEquals((long) PINGS * PAD, written.get());
        }
    }
}
