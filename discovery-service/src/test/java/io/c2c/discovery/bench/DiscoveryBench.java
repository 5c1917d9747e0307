package io.c2c.discovery.bench;

import io.c2c.contracts.Topics;
import io.c2c.contracts.event.AssetsAnnounced;
import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerHeartbeat;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.discovery.index.IndexLimits;
import io.c2c.discovery.index.PeerMatch;
import io.c2c.discovery.index.SiteIndex;
import io.c2c.discovery.messaging.BatchDecoder;
import io.c2c.discovery.messaging.IngestPipeline;
import io.c2c.testing.KafkaBroker;
import io.c2c.testing.TestInfrastructure;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The discovery benchmark (run by bench/discovery/run.sh, never by the test suite): memory per peer
 * and per (peer, asset) entry, index ingest rate, query latency on a 1,000,000-peer site, and the
 * ingest rate from a pre-filled topic on the real broker through the same decode-and-apply
 * pipeline the feed uses ({@link IngestPipeline}).
 *
 * <p>Arguments (all optional, key=value): peers, assetsPerPeer, siteAssets, queries, kafkaEvents.
 */
public final class DiscoveryBench {

    private static final String SITE = "bench-site";
    private static final long NOW = System.currentTimeMillis();

    private DiscoveryBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> opts = new java.util.HashMap<>(Map.of("peers", 1_000_000, "assetsPerPeer", 100,
                "siteAssets", 500, "queries", 200_000, "kafkaEvents", 500_000));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            opts.put(kv[0], Integer.parseInt(kv[1].replace("_", "")));
        }
        int peers = opts.get("peers");
        int perPeer = opts.get("assetsPerPeer");
        int siteAssets = opts.get("siteAssets");
        System.out.printf("discovery bench: %,d peers, %d assets per peer out of %,d site assets, %d cores, max heap %d MB%n",
                peers, perPeer, siteAssets, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        Random random = new Random(1);
        String[] ids = new String[peers];
        for (int i = 0; i < peers; i++) {
            byte[] raw = new byte[16];
            random.nextBytes(raw);
            ids[i] = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        }
        String[] hashes = new String[siteAssets];
        for (int i = 0; i < siteAssets; i++) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            hashes[i] = HexFormat.of().formatHex(raw);
        }

        // --- memory and ingest: joins (attributes only), then announcements
        IndexLimits limits = new IndexLimits(8, Duration.ofMinutes(60), peers + 16, 4096, 2048);
        long base = usedHeap();
        SiteIndex index = new SiteIndex(SITE, 0, limits);
        List<PeerEvent> joins = new ArrayList<>(peers);
        for (int i = 0; i < peers; i++) {
            // A copy of the id, as a decoded event would carry: the index keeps it, so it counts as index memory.
            joins.add(heartbeat(random, new String(ids[i].toCharArray()), List.of()));
        }
        long t0 = System.nanoTime();
        for (PeerEvent e : joins) {
            index.apply(e, NOW);
        }
        long joinNanos = System.nanoTime() - t0;
        joins = null;
        long withPeers = usedHeap();
        long peerBytes = withPeers - base;
        System.out.printf("ingest heartbeat (attributes + 8-dim coordinate, no assets): %,.0f events/s%n",
                peers / (joinNanos / 1e9));
        System.out.printf("memory per peer (ids, attributes, coordinate, groups): %.0f bytes%n",
                (double) peerBytes / peers);

        List<String>[] holdings = new List[peers];
        long announceNanos = 0;
        int batch = 10_000;
        for (int from = 0; from < peers; from += batch) {
            int to = Math.min(peers, from + batch);
            List<PeerEvent> announces = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                holdings[i] = pick(random, hashes, perPeer);
                announces.add(AssetsAnnounced.of(SITE, ids[i], NOW + 1, holdings[i]));
            }
            long s = System.nanoTime();
            for (PeerEvent e : announces) {
                index.apply(e, NOW);
            }
            announceNanos += System.nanoTime() - s;
        }
        holdings = null;
        long withAssets = usedHeap();
        long entries = index.stats().peerAssetEntries();
        System.out.printf("ingest announcement of %d assets: %,.0f events/s (%,.0f entries/s)%n", perPeer,
                peers / (announceNanos / 1e9), entries / (announceNanos / 1e9));
        System.out.printf("memory per (peer, asset) entry with %,d site assets (popular assets, bitsets): %.1f bytes; "
                + "index total %,d MB for %,d entries%n", siteAssets, (double) (withAssets - withPeers) / entries,
                (withAssets - base) >> 20, entries);

        // --- queries
        int queries = opts.get("queries");
        long[] lat = new long[queries];
        int empty = 0;
        for (int warm = 0; warm < 20_000; warm++) {
            index.nearPeers(ids[random.nextInt(peers)], hashes[random.nextInt(siteAssets)], 10);
        }
        for (int q = 0; q < queries; q++) {
            String asker = ids[random.nextInt(peers)];
            String hash = hashes[random.nextInt(siteAssets)];
            long s = System.nanoTime();
            List<PeerMatch> result = index.nearPeers(asker, hash, 10);
            lat[q] = System.nanoTime() - s;
            if (result.isEmpty()) {
                empty++;
            }
        }
        Arrays.sort(lat);
        System.out.printf("query near peers (limit 10, %,d queries, in-process): p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us; empty answers %d%n",
                queries, lat[queries / 2] / 1e3, lat[(int) (queries * 0.99)] / 1e3, lat[(int) (queries * 0.999)] / 1e3,
                lat[queries - 1] / 1e3, empty);
        index = null;

        sparseMemory(random);
        kafkaIngest(opts.get("kafkaEvents"), random, hashes);
        System.exit(0);
    }

    /** Per-entry cost when assets are rare (each held by a few peers): the sparse hash-set regime. */
    private static void sparseMemory(Random random) {
        int peers = 100_000;
        int perPeer = 20;
        IndexLimits limits = new IndexLimits(8, Duration.ofMinutes(60), peers + 16, 4096, 2048);
        SiteIndex index = new SiteIndex(SITE, 0, limits);
        for (int i = 0; i < peers; i++) {
            index.apply(heartbeat(random, "p" + i, List.of()), NOW);
        }
        long before = usedHeap();
        for (int i = 0; i < peers; i++) {
            List<String> mine = new ArrayList<>(perPeer);
            for (int k = 0; k < perPeer; k++) {
                mine.add(String.format("%064x", random.nextInt(200_000)));
            }
            index.apply(AssetsAnnounced.of(SITE, "p" + i, NOW + 1, mine), NOW);
        }
        long after = usedHeap();
        SiteIndex.Stats stats = index.stats();
        long assetStringBytes = stats.assets() * (24L + 16 + 64 + 12);
        System.out.printf("memory per (peer, asset) entry with rare assets (%,d assets, ~%d holders each): %.1f bytes "
                        + "(+ %.0f bytes per distinct asset hash string)%n", stats.assets(),
                stats.peerAssetEntries() / Math.max(1, stats.assets()),
                (double) (after - before - assetStringBytes) / stats.peerAssetEntries(), 116.0);
        if (index.livePeers() != peers) {
            throw new IllegalStateException("lost peers");
        }
    }

    /** Events/s from a pre-filled topic through poll, decode and apply, as the feed does. */
    private static void kafkaIngest(int events, Random random, String[] hashes) throws Exception {
        if (events <= 0) {
            return;
        }
        KafkaBroker kafka = TestInfrastructure.kafka();
        String topic = "bench-peer-events-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        int peerCount = Math.max(1, events / 5);
        // lz4 as signaling's producer writes peer-events; -Dkafka.compression=none for an uncompressed topic.
        String compression = System.getProperty("kafka.compression", "lz4");
        long s = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < events; i++) {
                String peer = "peer-" + (i % peerCount);
                PeerEvent e = switch (i % 5) {
                    case 0 -> PeerJoined.of(SITE, peer, NOW, "pod-1", new NetworkPosition("10." + (i % 250) + ".1.0/24",
                            64500 + i % 100, "DE", "eu"), 100_000);
                    case 1, 2 -> AssetsAnnounced.of(SITE, peer, NOW + i, List.of(hashes[random.nextInt(hashes.length)]));
                    default -> heartbeat(random, peer, List.of(hashes[i % hashes.length], hashes[(i + 7) % hashes.length]));
                };
                producer.send(new ProducerRecord<>(topic, SITE, PeerEvent.encode(e)));
            }
            producer.flush();
        }
        System.out.printf("pre-filled %s with %,d events (mix: 20%% joins, 40%% 1-asset announcements, 40%% heartbeats "
                + "with 2 assets), compression %s, in %.1f s%n", topic, events, compression, (System.nanoTime() - s) / 1e9);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            int threads = Integer.getInteger("decode.threads", Runtime.getRuntime().availableProcessors());
            // Twice: the first pass is the first JSON decoding in this JVM (JIT compilation included, as the
            // earlier figures were); the second is a running instance's steady state, e.g. a rebuild after failover.
            for (String pass : List.of("first pass, cold JVM", "second pass, warm JVM")) {
                consumer.seekToBeginning(List.of(tp));
                pipelinePass(consumer, events, threads, pass, new SiteIndex(SITE, 0,
                        new IndexLimits(8, Duration.ofMinutes(60), events, 4096, 2048)));
            }
            // Where the time goes: the same records polled only, then decoded only.
            consumer.seekToBeginning(List.of(tp));
            List<byte[]> values = new ArrayList<>(events);
            long pollStart = System.nanoTime();
            while (values.size() < events) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            double pollSecs = (System.nanoTime() - pollStart) / 1e9;
            long decodeStart = System.nanoTime();
            int decoded = 0;
            for (byte[] value : values) {
                decoded += PeerEvent.decode(value).occurredAt() > 0 ? 1 : 0;
            }
            double decodeSecs = (System.nanoTime() - decodeStart) / 1e9;
            System.out.printf("  of which: poll only %,.0f records/s; JSON decode only, one thread %,.0f events/s (%d decoded)%n",
                    events / pollSecs, events / decodeSecs, decoded);
        } finally {
            kafka.stop();
        }
    }

    /** One timed pass over the topic through the feed's pipeline: decode on the workers, poll and apply here. */
    private static void pipelinePass(KafkaConsumer<String, byte[]> consumer, int events, int threads, String pass,
                                     SiteIndex index) {
        long[] applied = new long[1];
        double mainMicros;
        double decodeMicros;
        long start = System.nanoTime();
        long cpuStart = cpuNanos(ProcessHandle.current());
        long brokerCpuStart = brokerCpuNanos();
        try (BatchDecoder decoder = new BatchDecoder(threads)) {
            IngestPipeline pipeline = new IngestPipeline(decoder, new IngestPipeline.Sink() {
                @Override
                public void apply(ConsumerRecord<String, byte[]> record, PeerEvent event, long now) {
                    if (event != null) {
                        index.apply(event, NOW);
                    }
                    applied[0]++;
                }

                @Override
                public void applied(TopicPartition partition, long position) {
                }
            });
            long mainStart = threadCpuNanos("main");
            long decodeStart = threadCpuNanos("peer-events-decode");
            while (applied[0] < events) {
                ConsumerRecords<String, byte[]> records = consumer.poll(
                        pipeline.idle() ? Duration.ofMillis(500) : Duration.ZERO);
                pipeline.accept(records, Map.of());
            }
            mainMicros = (threadCpuNanos("main") - mainStart) / 1e3 / events;
            decodeMicros = (threadCpuNanos("peer-events-decode") - decodeStart) / 1e3 / events;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (cpuNanos(ProcessHandle.current()) - cpuStart) / 1e3 / events;
        double brokerMicros = (brokerCpuNanos() - brokerCpuStart) / 1e3 / events;
        System.out.printf("ingest from the pre-filled topic, %s (poll + JSON decode on %d threads, pipelined with apply "
                + "in order): %,.0f events/s (%,d events in %.2f s); %,d live peers%n"
                + "  CPU per event: %.2f us this JVM (poll + apply thread %.2f, decode threads %.2f, the rest GC, JIT "
                + "and Kafka client threads) + %.2f us broker; load average %.1f%n", pass, threads, events / secs, events,
                secs, index.livePeers(), cpuMicros, mainMicros, decodeMicros, brokerMicros,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** CPU time so far of this JVM's threads named {@code name}. */
    private static long threadCpuNanos(String name) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    /** CPU time of this JVM's child processes: the broker the harness started. */
    private static long brokerCpuNanos() {
        return ProcessHandle.current().descendants().mapToLong(DiscoveryBench::cpuNanos).sum();
    }

    private static PeerHeartbeat heartbeat(Random random, String peer, List<String> assets) {
        List<Double> vector = new ArrayList<>(8);
        for (int d = 0; d < 8; d++) {
            vector.add(random.nextDouble() * 200 - 100);
        }
        int net = random.nextInt(200_000);
        NetworkPosition position = new NetworkPosition((net >> 8) + "." + (net & 255) + ".7.0/24",
                64_000 + random.nextInt(5_000), "C" + random.nextInt(50), "r" + random.nextInt(10));
        return PeerHeartbeat.of(SITE, peer, NOW, "pod-1", position,
                new Coordinate(vector, 1 + random.nextDouble() * 9, 0.2), 1_000_000, random.nextInt(900_000), assets);
    }

    private static List<String> pick(Random random, String[] hashes, int n) {
        List<String> out = new ArrayList<>(n);
        int start = random.nextInt(hashes.length);
        int step = 1 + random.nextInt(3);
        for (int k = 0; k < n; k++) {
            out.add(hashes[(start + k * step) % hashes.length]);
        }
        return out;
    }

    private static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
