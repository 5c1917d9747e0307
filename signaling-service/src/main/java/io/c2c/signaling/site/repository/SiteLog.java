package io.c2c.signaling.site.repository;

import io.c2c.contracts.site.SitesTopic;
import io.c2c.signaling.site.config.SitesConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The durable registry: writes go to the compacted {@code sites} topic with {@code acks=all} and idempotence and
 * return only once the broker acknowledged them and this pod's view applied them (read-your-write); a follower
 * thread reads the whole topic from the beginning into the {@link SiteStore} and keeps following it.
 *
 * <p>The follower uses {@code assign} + {@code seekToBeginning} without a consumer group on purpose: every pod
 * must read every record, and no offsets are committed because the view is rebuilt from the start each time.
 */
@ApplicationScoped
public class SiteLog {

    private static final Logger LOG = Logger.getLogger(SiteLog.class);

    private final SitesConfig config;
    private final String bootstrapServers;
    private final SiteStore store;
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread follower;
    private volatile boolean running;
    private volatile boolean loaded;

    public SiteLog(SitesConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.store = new SiteStore();
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public SiteStore store() {
        return store;
    }

    /** True once the view has read the topic up to the end offsets it saw when it started. */
    public boolean loaded() {
        return loaded;
    }

    /** Starts the producer and the follower thread; returns at once (the view loads in the background). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        long writeTimeoutMs = config.registry().writeTimeout().toMillis();
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, writeTimeoutMs / 2));
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(2000, writeTimeoutMs));
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, writeTimeoutMs);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "c2c-sites-writer");
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());

        follower = new Thread(this::follow, "c2c-sites-follower");
        follower.setDaemon(true);
        follower.start();
    }

    public synchronized void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = follower;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    /**
     * Writes {@code value} (null = tombstone) under {@code key} and waits until Kafka acknowledged it and this
     * pod's view applied it.
     *
     * @throws RegistryUnavailableException when the broker does not acknowledge within the write timeout
     */
    /** Where a write landed in the topic. */
    public record Written(int partition, long offset) {
    }

    public Written write(String key, String type, byte[] value) {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            throw new RegistryUnavailableException("the registry is not started", null);
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.registry().topic(), key, value);
        record.headers().add(SitesTopic.TYPE_HEADER, SitesTopic.typeHeaderValue(type));
        long timeoutMs = config.registry().writeTimeout().toMillis();
        long started = System.nanoTime();
        RecordMetadata metadata;
        try {
            metadata = p.send(record).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while writing to the registry", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new RegistryUnavailableException("Kafka did not acknowledge the write in time", e);
        }
        long left = timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        try {
            if (!store.awaitApplied(metadata.partition(), metadata.offset(), Math.max(left, 1000))) {
                // Durable already; only this pod's view lags. The caller still reports success honestly:
                // the write is in Kafka, and the view will catch up.
                LOG.warnf("registry view did not apply offset %d of partition %d in time", metadata.offset(),
                        metadata.partition());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Written(metadata.partition(), metadata.offset());
    }

    private void follow() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = newConsumer()) {
                consumer = c;
                List<TopicPartition> partitions = c.partitionsFor(config.registry().topic(), Duration.ofSeconds(10))
                        .stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new IllegalStateException("topic " + config.registry().topic() + " has no partitions");
                }
                c.assign(partitions);
                Map<TopicPartition, Long> positions = new HashMap<>();
                for (TopicPartition partition : partitions) {
                    positions.put(partition, store.nextOffset(partition.partition()));
                }
                // Resume where the view is (0 on the first run): a reconnect after a broker outage re-reads nothing.
                for (Map.Entry<TopicPartition, Long> position : positions.entrySet()) {
                    if (position.getValue() == 0L) {
                        c.seekToBeginning(List.of(position.getKey()));
                    } else {
                        c.seek(position.getKey(), position.getValue());
                    }
                }
                Map<TopicPartition, Long> endAtStart = c.endOffsets(partitions, Duration.ofSeconds(10));
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        store.apply(r.key(), typeOf(r), r.value(), r.partition(), r.offset());
                    }
                    if (!loaded && caughtUp(c, endAtStart)) {
                        loaded = true;
                        LOG.infof("site registry loaded: %d sites", store.siteCount());
                    }
                }
            } catch (WakeupException e) {
                // stop() asked us to leave
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf("site registry follower cannot read %s (%s); retrying", config.registry().topic(),
                            e.getClass().getSimpleName());
                    sleep(config.registry().retryBackoff());
                }
            } finally {
                consumer = null;
            }
        }
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> endAtStart) {
        for (Map.Entry<TopicPartition, Long> end : endAtStart.entrySet()) {
            if (c.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Short fetch waits keep read-your-write fast: a write waits for this follower to see it.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "c2c-sites-follower");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static String typeOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(SitesTopic.TYPE_HEADER);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
