package io.c2c.discovery;

import io.c2c.contracts.Topics;
import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerHeartbeat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes peer events to the real broker the way signaling does (key = site id, acks=all). */
public final class TestEvents implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    public TestEvents(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    public static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    public static PeerHeartbeat heartbeat(String site, String peer, long at, NetworkPosition network, double x,
                                          double y, long capacity, long load, String... assets) {
        return PeerHeartbeat.of(site, peer, at, "pod-test", network, new Coordinate(List.of(x, y), 1.0, 0.2),
                capacity, load, List.of(assets));
    }

    public void send(PeerEvent event) {
        send(event.siteId(), PeerEvent.encode(event));
    }

    public void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.PEER_EVENTS, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to peer-events", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
