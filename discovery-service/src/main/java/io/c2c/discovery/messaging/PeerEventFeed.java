package io.c2c.discovery.messaging;

import io.c2c.contracts.event.AssetsAnnounced;
import io.c2c.contracts.event.AssetsWithdrawn;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerHeartbeat;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.contracts.event.PeerReported;
import io.c2c.discovery.config.DiscoveryConfig;
import io.c2c.discovery.index.SiteIndex;
import io.c2c.discovery.index.SwarmIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Feeds the index from {@code peer-events} with the Kafka consumer API directly, because a new
 * partition owner must control where it starts: it drops what it held for the partition and seeks
 * back by timestamp only as far as the rebuild window (a bit more than the heartbeat interval),
 * since every live peer re-announces its whole state in each heartbeat. No offsets are committed.
 *
 * <p>The consumer thread is the index's only writer: it also runs the eviction sweep, and pauses
 * it while the broker is unreachable (silence from a dead broker is not silence from the peers).
 * A record that cannot be decoded is counted, logged once and skipped.
 */
@ApplicationScoped
public class PeerEventFeed {

    private static final Logger LOG = Logger.getLogger(PeerEventFeed.class);
    /** Client id prefix; the rest is the advertised HTTP URL that {@code OwnerDirectory} reads back. */
    public static final String CLIENT_ID_PREFIX = "discovery@";
    private static final Duration POLL_WAIT = Duration.ofMillis(200);

    private final SwarmIndex index;
    private final FeedStatus status;
    private final DiscoveryConfig config;
    private final MeterRegistry registry;
    private final String bootstrapServers;
    private final String advertisedUrl;
    private final Map<Class<?>, Map<SiteIndex.Outcome, Counter>> eventCounters = new HashMap<>();
    private final Counter undecodable;
    private final Counter evictions;
    private final Counter failed;
    private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();
    private final AtomicBoolean rejectionLogged = new AtomicBoolean();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    /** The consumer thread's pipeline; only that thread (and the rebalance callbacks it runs) touches it. */
    private IngestPipeline pipeline;
    private boolean wasStale;
    private long evictionResumesAt;

    public PeerEventFeed(SwarmIndex index, FeedStatus status, DiscoveryConfig config, MeterRegistry registry,
                         @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                         @ConfigProperty(name = "quarkus.http.port") int httpPort) {
        this.index = index;
        this.status = status;
        this.config = config;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
        this.advertisedUrl = config.routing().advertisedUrl().orElse("http://127.0.0.1:" + httpPort);
        for (Class<?> type : List.of(PeerJoined.class, PeerLeft.class, AssetsAnnounced.class, AssetsWithdrawn.class,
                PeerHeartbeat.class, PeerReported.class)) {
            Map<SiteIndex.Outcome, Counter> byOutcome = new EnumMap<>(SiteIndex.Outcome.class);
            for (SiteIndex.Outcome outcome : SiteIndex.Outcome.values()) {
                byOutcome.put(outcome, Counter.builder("c2c.discovery.events")
                        .description("peer-events records applied to the index, by type and outcome")
                        .tag("type", type.getSimpleName()).tag("outcome", outcome.name().toLowerCase())
                        .register(registry));
            }
            eventCounters.put(type, byOutcome);
        }
        this.undecodable = Counter.builder("c2c.discovery.events.rejected").tag("reason", "undecodable")
                .description("records skipped because they cannot be decoded").register(registry);
        this.failed = Counter.builder("c2c.discovery.events.rejected").tag("reason", "apply-failed")
                .description("records skipped because applying them failed").register(registry);
        this.evictions = Counter.builder("c2c.discovery.index.evictions")
                .description("peers evicted for lack of heartbeats").register(registry);
    }

    public String advertisedUrl() {
        return advertisedUrl;
    }

    void onStart(@Observes StartupEvent ignored) {
        if (!config.feed().enabled()) {
            LOG.info("peer-events feed disabled by configuration");
            return;
        }
        running = true;
        thread = new Thread(this::run, "peer-events-feed");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent ignored) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        DiscoveryConfig.Feed feed = config.feed();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties(feed));
             BatchDecoder decoder = new BatchDecoder(feed.decodeThreads().orElse(
                     Runtime.getRuntime().availableProcessors()))) {
            consumer = c;
            IngestPipeline pipeline = new IngestPipeline(decoder, new IngestPipeline.Sink() {
                @Override
                public void apply(ConsumerRecord<String, byte[]> record, PeerEvent event, long now) {
                    handle(record, event, now);
                }

                @Override
                public void applied(TopicPartition partition, long position) {
                    status.progress(partition.partition(), position);
                }
            });
            this.pipeline = pipeline;
            c.subscribe(List.of(feed.topic()), new Rebalance(c));
            long nextLagCheck = 0;
            long nextSweep = 0;
            Map<TopicPartition, Long> positions = new HashMap<>();
            while (running) {
                try {
                    // With a batch still to apply, take only what is already fetched: applying it must not wait.
                    ConsumerRecords<String, byte[]> records = c.poll(pipeline.idle() ? POLL_WAIT : Duration.ZERO);
                    long now = System.currentTimeMillis();
                    positions.clear();
                    if (!records.isEmpty()) {
                        status.brokerContact(now);
                        for (TopicPartition tp : records.partitions()) {
                            positions.put(tp, c.position(tp, Duration.ofSeconds(1)));
                        }
                    }
                    pipeline.accept(records, positions);
                    if (now >= nextLagCheck) {
                        pipeline.flush();
                        checkLag(c, feed, now);
                        nextLagCheck = System.currentTimeMillis() + feed.lagCheckInterval().toMillis();
                    }
                    if (now >= nextSweep) {
                        pipeline.flush();
                        sweep(now);
                        nextSweep = now + config.index().sweepInterval().toMillis();
                    }
                } catch (WakeupException e) {
                    if (running) {
                        continue;
                    }
                    break;
                } catch (RuntimeException e) {
                    // The loop must survive a broker outage or a bad record: log, breathe, go on.
                    LOG.warnf("peer-events feed: %s; retrying", e.toString());
                    sleep(500);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("peer-events feed stopped", e);
        } finally {
            consumer = null;
            pipeline = null;
        }
    }

    private Properties consumerProperties(DiscoveryConfig.Feed feed) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, feed.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID_PREFIX + advertisedUrl);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) feed.sessionTimeout().toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) feed.heartbeatInterval().toMillis());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, feed.maxPollRecords());
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return p;
    }

    /** Applies one decoded record ({@code event} null: undecodable); never throws for bad data. */
    void handle(ConsumerRecord<String, byte[]> record, PeerEvent event, long now) {
        if (event == null) {
            undecodable.increment();
            if (rejectionLogged.compareAndSet(false, true)) {
                LOG.warnf("skipping undecodable record at %s-%d@%d (malformed JSON, unknown type or unknown schema "
                        + "version; further ones are only counted)", record.topic(), record.partition(), record.offset());
            }
            return;
        }
        try {
            SiteIndex.Outcome outcome = index.apply(event, record.partition(), now);
            eventCounters.get(event.getClass()).get(outcome).increment();
        } catch (RuntimeException e) {
            // A bug must cost one record, not the rest of the batch behind it.
            failed.increment();
            LOG.errorf(e, "cannot apply record at %s-%d@%d; skipped", record.topic(), record.partition(),
                    record.offset());
        }
    }

    private void checkLag(KafkaConsumer<String, byte[]> c, DiscoveryConfig.Feed feed, long now) {
        List<TopicPartition> assigned = new ArrayList<>(c.assignment());
        try {
            if (status.partitionCount() == 0) {
                status.partitionCount(c.partitionsFor(feed.topic(), Duration.ofSeconds(1)).size());
            }
            Map<TopicPartition, Long> ends = c.endOffsets(assigned, Duration.ofSeconds(1));
            status.brokerContact(System.currentTimeMillis());
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                int p = e.getKey().partition();
                long position = c.position(e.getKey(), Duration.ofSeconds(1));
                status.target(p, e.getValue());
                status.progress(p, position);
                long behind = Math.max(0, e.getValue() - position);
                lagGauge(p).set(behind);
                status.lag(p, behind);
            }
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debugf("end offsets unavailable: %s", e.toString());
        }
        boolean stale = status.stale(System.currentTimeMillis());
        if (wasStale && !stale) {
            // Back from an outage: give every live peer one heartbeat interval to be heard again before evicting.
            evictionResumesAt = now + feed.rebuildWindow().toMillis();
            LOG.info("peer-events feed reached the broker again; eviction resumes after the rebuild window");
        } else if (!wasStale && stale) {
            LOG.warn("peer-events feed cannot reach the broker; answering from the index, marked stale");
        }
        wasStale = stale;
    }

    private void sweep(long now) {
        if (wasStale || now < evictionResumesAt) {
            return;
        }
        // Silence counts only up to the last moment the broker answered: before "stale" is declared, a dead
        // broker must not make peers look silent. Partitions still rebuilding or far behind are not judged at all.
        long heardUntil = Math.min(now, status.lastBrokerContact());
        long maxLag = config.feed().maxPollRecords();
        int evicted = index.sweep(heardUntil, p -> status.judgeable(p, maxLag));
        if (evicted > 0) {
            evictions.increment(evicted);
        }
    }

    private AtomicLong lagGauge(int partition) {
        return lag.computeIfAbsent(partition, p -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("c2c.discovery.consumer.lag", value, AtomicLong::get)
                    .description("records between the consumer's position and the end of the partition")
                    .tag("partition", Integer.toString(p)).register(registry);
            return value;
        });
    }

    /** Rebuilds a partition on assignment; forgets it on revocation or loss. */
    private final class Rebalance implements ConsumerRebalanceListener {

        private final KafkaConsumer<String, byte[]> c;

        Rebalance(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Records fetched while the partition was ours are applied before it is dropped, as without the pipeline.
            flushPipeline();
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Usually the broker is gone: the data is still right up to our position, so keep serving it.
            flushPipeline();
            long now = System.currentTimeMillis();
            for (TopicPartition tp : partitions) {
                status.lost(tp.partition(), now);
            }
            LOG.infof("lost partitions %s; keeping their index until the group reassigns them", partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                status.revoked(tp.partition());
                index.dropPartition(tp.partition());
                AtomicLong gauge = lag.get(tp.partition());
                if (gauge != null) {
                    gauge.set(0);
                }
            }
            if (!partitions.isEmpty()) {
                LOG.infof("released partitions %s", partitions);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            flushPipeline();
            status.assignmentSeen();
            if (partitions.isEmpty()) {
                forgetLostNotReassigned(c);
                return;
            }
            long now = System.currentTimeMillis();
            long from = now - config.feed().rebuildWindow().toMillis();
            Map<TopicPartition, Long> query = new HashMap<>();
            List<TopicPartition> resumed = new ArrayList<>();
            long maxResumeAge = config.index().peerExpiry().toMillis();
            for (TopicPartition tp : partitions) {
                long position = status.resumePosition(tp.partition(), now, maxResumeAge);
                if (position >= 0) {
                    // Ours before a short outage: catching up from where we stopped is cheaper than a rebuild.
                    c.seek(tp, position);
                    status.resumed(tp.partition());
                    resumed.add(tp);
                    continue;
                }
                index.dropPartition(tp.partition());
                query.put(tp, from);
            }
            forgetLostNotReassigned(c);
            if (query.isEmpty()) {
                LOG.infof("resumed partitions %s from their last position", resumed);
                return;
            }
            Collection<TopicPartition> rebuilt = query.keySet();
            Map<TopicPartition, Long> ends;
            try {
                Map<TopicPartition, OffsetAndTimestamp> starts = c.offsetsForTimes(query, Duration.ofSeconds(5));
                ends = c.endOffsets(rebuilt, Duration.ofSeconds(5));
                for (TopicPartition tp : rebuilt) {
                    OffsetAndTimestamp start = starts.get(tp);
                    long offset = start != null ? start.offset() : ends.get(tp);
                    c.seek(tp, offset);
                    status.assigned(tp.partition(), ends.get(tp), now);
                    status.progress(tp.partition(), offset);
                }
                status.brokerContact(System.currentTimeMillis());
            } catch (RuntimeException e) {
                // Cannot ask where to start: read the retained history; slower, but never wrong.
                LOG.warnf("cannot look up rebuild offsets (%s); rebuilding %s from the beginning", e, rebuilt);
                c.seekToBeginning(rebuilt);
                for (TopicPartition tp : rebuilt) {
                    status.assigned(tp.partition(), -1, now);
                }
            }
            LOG.infof("rebuilding partitions %s from %d ms back%s", rebuilt, config.feed().rebuildWindow().toMillis(),
                    resumed.isEmpty() ? "" : "; resumed " + resumed);
        }

        private void flushPipeline() {
            if (pipeline != null) {
                pipeline.flush();
            }
        }

        private void forgetLostNotReassigned(KafkaConsumer<String, byte[]> c) {
            List<TopicPartition> stale = new ArrayList<>();
            for (int p : status.lostPartitions()) {
                TopicPartition tp = new TopicPartition(config.feed().topic(), p);
                if (!c.assignment().contains(tp)) {
                    stale.add(tp);
                }
            }
            forget(stale);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
