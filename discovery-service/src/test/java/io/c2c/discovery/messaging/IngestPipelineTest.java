package io.c2c.discovery.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.testing.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The pipelined consumer path on the real broker: records written with the real producer to a
 * three-partition topic, polled in small batches so that several are in flight, come out of the
 * pipeline in partition order, each exactly once, with poison records as null (skipped by the
 * feed) at their own offsets, and a partition's position is reported only once everything before
 * it is applied.
 */
class IngestPipelineTest {

    private static final int PARTITIONS = 3;
    private static final byte[][] POISON = {
            "{oops".getBytes(StandardCharsets.UTF_8),
            "null".getBytes(StandardCharsets.UTF_8),
            "{\"type\":\"peer-joined\",\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8),
            null,
            "{\"type\":\"no-such-event\",\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8),
    };

    @Test
    void appliesEveryRecordOnceInPartitionOrderAndNullsPoison() throws Exception {
        String topic = topic();
        int count = 3000;
        Map<TopicPartition, Map<Long, PeerEvent>> expected = produce(topic, count);

        Recorder sink = new Recorder();
        int overlapped = 0;
        try (KafkaConsumer<String, byte[]> consumer = consumer(50);
             BatchDecoder decoder = new BatchDecoder(2)) {
            List<TopicPartition> partitions = new ArrayList<>(expected.keySet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            IngestPipeline pipeline = new IngestPipeline(decoder, sink);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (sink.records < count && System.nanoTime() < deadline) {
                ConsumerRecords<String, byte[]> records = consumer.poll(
                        pipeline.idle() ? Duration.ofMillis(200) : Duration.ZERO);
                Map<TopicPartition, Long> positions = new HashMap<>();
                for (TopicPartition tp : records.partitions()) {
                    positions.put(tp, consumer.position(tp));
                }
                if (!records.isEmpty() && !pipeline.idle()) {
                    overlapped++;
                }
                pipeline.accept(records, positions);
            }
            pipeline.flush();
        }

        assertEquals(count, sink.records, "every record applied exactly once");
        assertTrue(overlapped > 0, "a batch was polled while the one before it was still in flight");
        for (Map.Entry<TopicPartition, Map<Long, PeerEvent>> e : expected.entrySet()) {
            List<Long> offsets = sink.offsets.get(e.getKey().partition());
            List<PeerEvent> events = sink.events.get(e.getKey().partition());
            assertEquals(e.getValue().size(), offsets.size(), "records of " + e.getKey());
            for (int i = 0; i < offsets.size(); i++) {
                assertEquals(i, offsets.get(i), "partition order in " + e.getKey());
                PeerEvent want = e.getValue().get((long) i);
                if (want == null) {
                    assertNull(events.get(i), "poison at " + e.getKey() + "@" + i);
                } else {
                    assertEquals(want, events.get(i), "event at " + e.getKey() + "@" + i);
                }
            }
            assertEquals((long) offsets.size(), sink.lastPosition.get(e.getKey().partition()), "final position");
        }
        assertTrue(sink.poison > 0 && sink.poison == count / 37 + 1, "poison records seen: " + sink.poison);
    }

    @Test
    void aBatchIsAppliedOnlyWhenTheNextArrivesOrOnFlush() throws Exception {
        String topic = topic();
        produce(topic, 200);
        Recorder sink = new Recorder();
        try (KafkaConsumer<String, byte[]> consumer = consumer(500);
             BatchDecoder decoder = new BatchDecoder(2)) {
            consumer.subscribe(List.of(topic));
            IngestPipeline pipeline = new IngestPipeline(decoder, sink);
            ConsumerRecords<String, byte[]> records = ConsumerRecords.empty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records = consumer.poll(Duration.ofMillis(200));
            }
            assertTrue(records.count() > 0, "records polled");
            pipeline.accept(records, Map.of());
            assertEquals(0, sink.records, "still in flight: nothing applied yet");
            assertTrue(!pipeline.idle());
            pipeline.flush();
            assertEquals(records.count(), sink.records, "flush applied the batch");
            assertTrue(pipeline.idle());
            pipeline.flush();
            pipeline.accept(ConsumerRecords.empty(), Map.of());
            assertEquals(records.count(), sink.records, "applied once, not again");
        }
    }

    /** Records what the pipeline hands over, and checks each reported position against it. */
    private static final class Recorder implements IngestPipeline.Sink {

        int records;
        int poison;
        final Map<Integer, List<Long>> offsets = new HashMap<>();
        final Map<Integer, List<PeerEvent>> events = new HashMap<>();
        final Map<Integer, Long> lastPosition = new HashMap<>();

        @Override
        public void apply(ConsumerRecord<String, byte[]> record, PeerEvent event, long now) {
            records++;
            if (event == null) {
                poison++;
            }
            offsets.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record.offset());
            events.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(event);
        }

        @Override
        public void applied(TopicPartition partition, long position) {
            List<Long> seen = offsets.getOrDefault(partition.partition(), List.of());
            // Offsets of a plain producer are dense from 0: "everything before position applied" is a count.
            assertEquals(position, (long) seen.size(), "position of " + partition + " reported before its records");
            Long before = lastPosition.put(partition.partition(), position);
            assertTrue(before == null || before <= position, "positions only move forward");
        }
    }

    private static String topic() throws Exception {
        String topic = "pipeline-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    /** Writes {@code count} records over several site keys, every 37th a poison value; returns them by position. */
    private static Map<TopicPartition, Map<Long, PeerEvent>> produce(String topic, int count) throws Exception {
        Map<TopicPartition, Map<Long, PeerEvent>> written = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(count);
            List<PeerEvent> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String site = "site-" + (i % 11);
                PeerEvent event = i % 37 == 0 ? null
                        : PeerJoined.of(site, "peer-" + i, 1_000 + i, "pod", NetworkPosition.UNKNOWN, i);
                byte[] value = event == null ? POISON[(i / 37) % POISON.length] : PeerEvent.encode(event);
                events.add(event);
                sent.add(producer.send(new ProducerRecord<>(topic, site, value)));
            }
            for (int i = 0; i < count; i++) {
                RecordMetadata m = sent.get(i).get(30, TimeUnit.SECONDS);
                written.computeIfAbsent(new TopicPartition(topic, m.partition()), tp -> new HashMap<>())
                        .put(m.offset(), events.get(i));
            }
        }
        return written;
    }

    private static KafkaConsumer<String, byte[]> consumer(int maxPollRecords) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "pipeline-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }
}
