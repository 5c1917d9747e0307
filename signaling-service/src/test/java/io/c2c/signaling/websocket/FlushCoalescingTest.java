package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Signals that reach one peer within one event-loop iteration leave in one write. With a single event
 * loop, sender and receiver share it, so without coalescing each delivered frame is its own write
 * syscall; the test counts the event loop's write syscalls in {@code /proc/self/task/*}/io.
 */
@QuarkusTest
@TestProfile(FlushCoalescingTest.OneEventLoop.class)
class FlushCoalescingTest {

    static final String ORIGIN = "http://demo.test";
    static final int BURST = 40;

    public static class OneEventLoop implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.vertx.event-loops-pool-size", "1", "quarkus.http.io-threads", "1");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aBurstToOnePeerLeavesInFarFewerWritesThanFrames() throws Exception {
        try (WsClient receiver = WsClient.hello(WsClient.endpoint(base.getPort()), ORIGIN, "demo");
             RawWebSocket sender = RawWebSocket.connect(base.getPort(), ORIGIN)) {
            String from = sender.hello("demo");
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                burst.add("{\"type\":\"signal\",\"to\":\"" + receiver.peerId + "\",\"kind\":\"candidate\",\"payload\":{\"n\":" + i + "}}");
            }
            // Let the hello's own follow-up writes (presence, events) settle before counting.
            Thread.sleep(300);

            long before = eventLoopWrites();
            sender.sendTogether(burst);
            for (int i = 0; i < BURST; i++) {
                JsonNode signal = receiver.await("signal");
                assertEquals(from, signal.get("from").asText());
                assertEquals(i, signal.at("/payload/n").asInt(), "order kept");
            }
            long writes = eventLoopWrites() - before;

            assertTrue(writes < BURST / 4, writes + " write syscalls for " + BURST + " frames to one peer");
        }
    }

    /** Write-type syscalls so far of this JVM's Vert.x event-loop threads (thread names are cut to 15 bytes). */
    static long eventLoopWrites() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            long sum = 0;
            for (Path task : tasks.toList()) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith("vert.x-eventloo")) {
                        continue;
                    }
                    for (String line : Files.readAllLines(task.resolve("io"))) {
                        if (line.startsWith("syscw:")) {
                            sum += Long.parseLong(line.substring(6).trim());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
            return sum;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
