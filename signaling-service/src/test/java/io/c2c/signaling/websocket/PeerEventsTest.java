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
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.junit.jupiter.api.Test;

/** A peer's life shows up on the real peer-events topic, keyed by site, in order. */
@QuarkusTest
class PeerEventsTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    KafkaClientService kafkaClients;

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
     * peer-events leave lz4-compressed (the broker keeps the producer's compression, so this is what discovery
     * reads): the producer's own measure of its batches, compressed size over raw size, is well below 1.
     */
    @Test
    void peerEventsAreSentLz4Compressed() {
        try (WsClient a = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo")) {
            String peer = a.peerId;
            StringBuilder have = new StringBuilder("{\"type\":\"have\",\"assets\":[");
            for (int i = 0; i < 16; i++) { // the test profile's max-assets-per-peer
                have.append(i == 0 ? "" : ",").append('"').append(String.format("%064x", i)).append('"');
            }
            a.send(have.append("]}").toString());
            assertFalse(PeerEvents.await(TestInfrastructure.kafka().bootstrapServers(),
                    e -> e.peerId().equals(peer) && e instanceof AssetsAnnounced, 1, Duration.ofSeconds(20)).isEmpty());
        }
        var producer = kafkaClients.getProducer("peer-events");
        double ratio = producer.unwrap().metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals("compression-rate-avg"))
                .map(e -> ((Metric) e.getValue()).metricValue()).mapToDouble(v -> ((Number) v).doubleValue())
                .findFirst().orElseThrow();
        assertTrue(ratio > 0 && ratio < 0.9, "compressed / raw size of the batches sent: " + ratio);
        assertEquals("lz4", String.valueOf(producer.configuration().get("compression.type")));
    }
}
