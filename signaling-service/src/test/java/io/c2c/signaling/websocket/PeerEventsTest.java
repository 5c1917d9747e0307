package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.event.AssetsAnnounced;
import io.c2c.contracts.event.AssetsWithdrawn;
import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerHeartbeat;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.signaling.support.PeerEvents;
import io.c2c.signaling.support.WsClient;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A peer's life shows up on the real peer-events topic, keyed by site, in order. */
@QuarkusTest
class PeerEventsTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void joinAssetsHeartbeatAndLeaveArePublished() {
        String h1 = "1".repeat(64);
        String h2 = "2".repeat(64);
        String peer;
        try (WsClient a = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo")) {
            peer = a.peerId;
            a.send("{\"type\":\"have\",\"assets\":[\"" + h1 + "\",\"" + h2 + "\"]}");
            a.send("{\"type\":\"drop\",\"assets\":[\"" + h1 + "\"]}");
            a.send("{\"type\":\"ping\"}");
            a.await("pong");
            // a heartbeat (every 2 s in the test profile) carrying the peer's current assets
            List<ConsumerRecord<String, PeerEvent>> beats = PeerEvents.await(TestInfrastructure.kafka().bootstrapServers(),
                    e -> e.peerId().equals(peer) && e instanceof PeerHeartbeat beat && beat.assets().equals(List.of(h2)),
                    1, Duration.ofSeconds(20));
            assertFalse(beats.isEmpty(), "no heartbeat");
            PeerHeartbeat beat = (PeerHeartbeat) beats.get(0).value();
            assertEquals(List.of(h2), beat.assets());
            assertTrue(beat.network().prefix().startsWith("127.0.0."), beat.toString());
        }
        List<ConsumerRecord<String, PeerEvent>> events = PeerEvents.await(TestInfrastructure.kafka().bootstrapServers(),
                e -> e.peerId().equals(peer) && !(e instanceof PeerHeartbeat), 4, Duration.ofSeconds(30));
        assertEquals(List.of(PeerJoined.class, AssetsAnnounced.class, AssetsWithdrawn.class, PeerLeft.class),
                events.stream().map(r -> r.value().getClass()).collect(Collectors.toList()));
        events.forEach(r -> assertEquals("demo", r.key(), "keyed by site"));
        Map<Class<?>, PeerEvent> byType = events.stream().collect(Collectors.toMap(r -> r.value().getClass(),
                ConsumerRecord::value, (x, y) -> x));
        assertEquals(List.of(h1, h2), ((AssetsAnnounced) byType.get(AssetsAnnounced.class)).assets());
        assertEquals(List.of(h1), ((AssetsWithdrawn) byType.get(AssetsWithdrawn.class)).assets());
        assertEquals("closed", ((PeerLeft) byType.get(PeerLeft.class)).reason());
    }

    @Test
    void statusUpdatesTheHeartbeatAndAStopToUploadingIsPublishedAtOnce() {
        String peer;
        try (WsClient a = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo")) {
            peer = a.peerId;
            a.send("{\"type\":\"status\",\"uploadCapacity\":250000,\"uploadRate\":1000,"
                    + "\"coordinate\":{\"vector\":[3.5,-1.25],\"height\":0.75,\"error\":0.4}}");
            List<ConsumerRecord<String, PeerEvent>> beats = PeerEvents.await(TestInfrastructure.kafka().bootstrapServers(),
                    e -> e.peerId().equals(peer) && e instanceof PeerHeartbeat beat && beat.coordinate() != null,
                    1, Duration.ofSeconds(20));
            PeerHeartbeat beat = (PeerHeartbeat) beats.get(0).value();
            assertEquals(250_000, beat.uploadCapacityBytesPerSecond());
            assertEquals(1000, beat.uploadLoadBytesPerSecond());
            assertEquals(new Coordinate(List.of(3.5, -1.25), 0.75, 0.4), beat.coordinate());

            // a second status inside the minimum interval is refused, unless it stops uploading
            a.send("{\"type\":\"status\",\"id\":\"soon\",\"uploadCapacity\":300000}");
            assertEquals("rate-limited", a.await(m -> "soon".equals(m.path("re").asText()), Duration.ofSeconds(5),
                    "an answer to the early status").path("code").asText());
            long stoppedAt = System.currentTimeMillis();
            a.send("{\"type\":\"status\",\"id\":\"stop\",\"uploadCapacity\":0}");
            a.send("{\"type\":\"ping\"}");
            a.await("pong");
            List<ConsumerRecord<String, PeerEvent>> stopped = PeerEvents.await(TestInfrastructure.kafka().bootstrapServers(),
                    e -> e.peerId().equals(peer) && e instanceof PeerHeartbeat b && b.uploadCapacityBytesPerSecond() == 0
                            && b.occurredAt() >= stoppedAt,
                    1, Duration.ofSeconds(20));
            PeerHeartbeat stop = (PeerHeartbeat) stopped.get(0).value();
            assertEquals(0, stop.uploadLoadBytesPerSecond(), "the load never exceeds the capacity");
            assertEquals(new Coordinate(List.of(3.5, -1.25), 0.75, 0.4), stop.coordinate(), "kept without a new one");
            // published when taken, not at the next 2 s heartbeat tick
            assertTrue(stop.occurredAt() - stoppedAt < 1000, "published " + (stop.occurredAt() - stoppedAt) + " ms later");
        }
    }

    /**
     * peer-events leave lz4-compressed, and the broker stores them so (so this is what discovery reads): every record
     * batch appended to the topic's log segments during the test carries codec 3 (lz4) in its attributes.
     */
    @Test
    void peerEventsAreStoredLz4Compressed() throws Exception {
        Map<Path, Long> before = segmentSizes();
        try (WsClient a = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo")) {
            String peer = a.peerId;
            a.send("{\"type\":\"have\",\"assets\":[\"" + "3".repeat(64) + "\"]}");
            assertFalse(PeerEvents.await(TestInfrastructure.kafka().bootstrapServers(),
                    e -> e.peerId().equals(peer) && e instanceof AssetsAnnounced, 1, Duration.ofSeconds(20)).isEmpty());
        }
        List<Integer> codecs = new ArrayList<>();
        for (Path segment : segmentSizes().keySet()) {
            codecs.addAll(batchCodecs(segment, before.getOrDefault(segment, 0L)));
        }
        assertFalse(codecs.isEmpty(), "no batch appended to peer-events");
        assertEquals(List.of(3), codecs.stream().distinct().toList(), "codecs of the batches appended: " + codecs);
    }

    /** The peer-events log segments of the test broker and their sizes now. */
    private static Map<Path, Long> segmentSizes() throws IOException {
        Map<Path, Long> sizes = new HashMap<>();
        try (Stream<Path> files = Files.walk(TestInfrastructure.root().resolve("kafka/data"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getParent().getFileName().toString().startsWith("peer-events-")
                        && file.getFileName().toString().endsWith(".log")) {
                    sizes.put(file, Files.size(file));
                }
            }
        }
        return sizes;
    }

    /**
     * The compression codec (attributes &amp; 7) of each whole record batch that starts at or after {@code from}, read
     * from the segment's start per the record batch format (KIP-98): base offset (8), length (4), leader epoch (4),
     * magic (1), CRC (4), attributes (2).
     */
    private static List<Integer> batchCodecs(Path segment, long from) throws IOException {
        byte[] log = Files.readAllBytes(segment);
        ByteBuffer buffer = ByteBuffer.wrap(log);
        List<Integer> codecs = new ArrayList<>();
        long position = 0;
        while (position + 23 <= log.length) {
            int length = buffer.getInt((int) position + 8);
            if (length <= 0 || position + 12 + length > log.length) {
                break; // the tail being written
            }
            assertEquals(2, buffer.get((int) position + 16), "record batch magic");
            if (position >= from) {
                codecs.add(buffer.getShort((int) position + 21) & 7);
            }
            position += 12 + length;
        }
        return codecs;
    }
}
