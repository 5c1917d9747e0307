package io.c2c.signaling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.Topics;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.signaling.event.PeerEventPublisher;
import io.c2c.signaling.routing.PodIdentity;
import io.c2c.signaling.routing.PodRegistry;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The service reaches the real Redis and Kafka of the harness: real round trips, not health flags. */
@QuarkusTest
class InfrastructureRoundTripTest {

    @Inject
    PeerEventPublisher publisher;

    @Inject
    RedisDataSource redis;

    @Inject
    PodIdentity identity;

    @Test
    void publishedPeerEventIsReadBackFromKafkaKeyedBySite() throws Exception {
        String site = "site-" + UUID.randomUUID();
        PeerJoined joined = PeerJoined.of(site, "peer-1", System.currentTimeMillis(), identity.podId(),
                new NetworkPosition("198.51.100.0/24", null, null, null), 4096);

        publisher.publish(joined).toCompletableFuture().get(30, TimeUnit.SECONDS);

        ConsumerRecord<String, byte[]> record = findRecordWithKey(site);
        assertEquals(joined, PeerEvent.decode(record.value()));
    }

    @Test
    void podRegistrationLivesInRedisWithATtl() {
        String key = PodRegistry.key(identity.podId());

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> redis.value(String.class).get(key) != null);
        long ttlMillis = redis.key().pttl(key);
        assertTrue(ttlMillis > 0 && ttlMillis <= 15_000, "ttl " + ttlMillis);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("Redis connection health check", io.c2c.signaling.health.KafkaEventsCheck.NAME))
                .body("checks.find { it.name == '" + io.c2c.signaling.health.KafkaEventsCheck.NAME + "' }.status", is("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().get("/q/openapi?format=json").then().statusCode(200).body("openapi", org.hamcrest.Matchers.startsWith("3."));
    }

    private static ConsumerRecord<String, byte[]> findRecordWithKey(String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PEER_EVENTS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    if (key.equals(record.key())) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no record with key " + key + " on " + Topics.PEER_EVENTS);
    }
}
