package io.c2c.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real broker launcher: fault tests of the services build on kill-and-restart keeping data. */
class KafkaBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void topicDataSurvivesSigkillAndRestart() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(FreePorts.next(), FreePorts.next(), dir, TIMEOUT)) {
            String topic = "survivor";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            List<String> written = new ArrayList<>();
            try (KafkaProducer<String, String> producer = producer(broker)) {
                for (int i = 0; i < 200; i++) {
                    String value = "record-" + i;
                    producer.send(new ProducerRecord<>(topic, "k" + (i % 7), value)).get(30, TimeUnit.SECONDS);
                    written.add(value);
                }
            }
            long pidBefore = KafkaBroker.running(dir).orElseThrow().pid();

            broker.kill();
            assertFalse(broker.isRunning());
            assertTrue(KafkaBroker.running(dir).isEmpty(), "no pid file left for a dead broker");

            broker.restart(TIMEOUT);
            assertTrue(broker.isRunning());
            assertTrue(KafkaBroker.running(dir).orElseThrow().pid() != pidBefore);
            assertEquals(written, readAll(broker, topic, written.size()));
        }
        assertTrue(KafkaBroker.running(dir).isEmpty(), "close() stops the broker");
    }

    @Test
    void refusesAPortThatIsTaken() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> KafkaBroker.start(taken.getLocalPort(), FreePorts.next(), dir, TIMEOUT));
            assertTrue(error.getMessage().contains("already in use"), error.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("kafka.pid")));
    }

    private static KafkaProducer<String, String> producer(KafkaBroker broker) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static List<String> readAll(KafkaBroker broker, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
