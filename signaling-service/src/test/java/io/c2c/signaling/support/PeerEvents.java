package io.c2c.signaling.support;

import io.c2c.contracts.Topics;
import io.c2c.contracts.event.PeerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the real peer-events topic from the beginning until the wanted events are there. */
public final class PeerEvents {

    private PeerEvents() {
    }

    /** Every event matching {@code wanted}, once at least {@code count} of them were read (or the deadline passed). */
    public static List<ConsumerRecord<String, PeerEvent>> await(String bootstrap, Predicate<PeerEvent> wanted, int count,
                                                                Duration timeout) {
        List<ConsumerRecord<String, PeerEvent>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PEER_EVENTS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && found.size() < count) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    PeerEvent event = PeerEvent.decode(record.value());
                    if (wanted.test(event)) {
                        found.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.key(), event));
                    }
                }
            }
        }
        return found;
    }

    public static long millis(Duration d) {
        return TimeUnit.NANOSECONDS.toMillis(d.toNanos());
    }
}
