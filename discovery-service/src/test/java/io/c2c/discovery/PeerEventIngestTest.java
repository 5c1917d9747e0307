package io.c2c.discovery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import io.c2c.contracts.Topics;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Events written to the real broker reach the index; poison records are skipped, not fatal. */
@QuarkusTest
class PeerEventIngestTest {

    @Test
    void joinsAndLeavesFromKafkaReachTheIndexAndPoisonIsSkipped() throws Exception {
        String site = "site-" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, site, PeerEvent.encode(PeerJoined.of(site, "a", now, "pod-1", NetworkPosition.UNKNOWN, 0)));
            send(producer, site, "{not json".getBytes(StandardCharsets.UTF_8));
            send(producer, site, "{\"type\":\"peer-joined\",\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8));
            send(producer, site, PeerEvent.encode(PeerJoined.of(site, "b", now, "pod-1", NetworkPosition.UNKNOWN, 0)));
        }
        awaitLivePeers(site, 2);

        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, site, PeerEvent.encode(PeerLeft.of(site, "a", now + 10, "closed")));
            // A join that happened before the leave arrives late: it must not resurrect the peer.
            send(producer, site, PeerEvent.encode(PeerJoined.of(site, "a", now + 5, "pod-1", NetworkPosition.UNKNOWN, 0)));
        }
        awaitLivePeers(site, 1);

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("c2c_discovery_events_rejected_total{reason=\"undecodable\"} 2.0"));
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItem("Kafka connection health check"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/api/v1/sites/{siteId}/swarm"));
    }

    private static void awaitLivePeers(String site, int expected) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/api/v1/sites/{site}/swarm", site).jsonPath().getInt("livePeers") == expected);
    }

    private static void send(KafkaProducer<String, byte[]> producer, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.PEER_EVENTS, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }
}
