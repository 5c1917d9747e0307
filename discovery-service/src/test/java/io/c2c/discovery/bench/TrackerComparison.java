package io.c2c.discovery.bench;

import io.c2c.contracts.Topics;
import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerHeartbeat;
import io.c2c.testing.ChildProcess;
import io.c2c.testing.FreePorts;
import io.c2c.testing.KafkaBroker;
import io.c2c.testing.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Side by side, one run, one load generator (JDK HttpClient, fixed concurrency): discovery-service
 * (events through Kafka, queries over HTTP) against bittorrent-tracker's HTTP tracker (announce +
 * compact peer list). Same peers, same asset sets, same "who else holds X, give me 10" requests.
 * Run by bench/discovery/compare-tracker.sh, never by the test suite.
 */
public final class TrackerComparison {

    private TrackerComparison() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> o = new java.util.HashMap<>(Map.of("peers", 20_000, "assets", 20, "perPeer", 5,
                "queries", 50_000, "concurrency", 16));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            o.put(kv[0], Integer.parseInt(kv[1]));
        }
        int peers = o.get("peers");
        int perPeer = o.get("perPeer");
        Random random = new Random(3);
        byte[][] hashes = new byte[o.get("assets")][32];
        for (byte[] h : hashes) {
            random.nextBytes(h);
        }
        int[][] holds = new int[peers][perPeer];
        for (int p = 0; p < peers; p++) {
            int start = random.nextInt(hashes.length);
            for (int k = 0; k < perPeer; k++) {
                holds[p][k] = (start + k) % hashes.length;
            }
        }
        Path root = Path.of(System.getProperty("c2c.bench.root", "."));
        KafkaBroker kafka = TestInfrastructure.kafka();
        int discoveryPort = FreePorts.next();
        int trackerPort = FreePorts.next();
        List<ChildProcess> children = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        try {
            Path dir = TestInfrastructure.root();
            children.add(ChildProcess.start("discovery", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-Dquarkus.http.port=" + discoveryPort, "-Dquarkus.http.host=127.0.0.1",
                    "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "-Dc2c.discovery.feed.group-id=bench-" + System.nanoTime(),
                    "-Dc2c.discovery.index.peer-expiry=10m", "-Dc2c.discovery.feed.rebuild-window=10m",
                    "-jar", root.resolve("discovery-service/target/quarkus-app/quarkus-run.jar").toString()),
                    dir.resolve("discovery.log"), dir.resolve("discovery.pid"), Map.of()));
            children.add(ChildProcess.start("tracker", List.of("node",
                    root.resolve("bench/discovery/tracker-server.mjs").toString(), Integer.toString(trackerPort)),
                    dir.resolve("tracker.log"), dir.resolve("tracker.pid"), Map.of()));
            String discovery = "http://127.0.0.1:" + discoveryPort;
            String tracker = "http://127.0.0.1:" + trackerPort;
            awaitStatus(http, discovery + "/q/health/ready", 200);
            awaitStatus(http, tracker + "/announce?x", -1);
            System.out.printf("workload: %,d peers, %d assets, %d per peer (%,d registrations), %,d queries with limit 10, "
                    + "concurrency %d%n", peers, hashes.length, perPeer, peers * perPeer, o.get("queries"),
                    o.get("concurrency"));

            // --- registrations
            long t0 = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                long now = System.currentTimeMillis();
                for (int p = 0; p < peers; p++) {
                    List<String> assets = new ArrayList<>();
                    for (int h : holds[p]) {
                        assets.add(HexFormat.of().formatHex(hashes[h]));
                    }
                    PeerHeartbeat hb = PeerHeartbeat.of("bench", "peer" + p, now, "pod", new NetworkPosition(
                            "10." + (p % 200) + ".0.0/24", 64_000 + p % 50, "DE", null),
                            new Coordinate(List.of(random.nextDouble() * 100, random.nextDouble() * 100), 2, 0.2),
                            1_000_000, 0, assets);
                    producer.send(new ProducerRecord<>(Topics.PEER_EVENTS, "bench", PeerEvent.encode(hb)));
                }
            }
            long expected = (long) peers * perPeer;
            while (metric(http, discovery, "c2c_discovery_index_entries") < expected) {
                Thread.sleep(20);
            }
            double discoveryIngest = (System.nanoTime() - t0) / 1e9;
            Result trackerIngest = run(http, peers * perPeer, o.get("concurrency"), i -> announce(tracker,
                    hashes[holds[i / perPeer][i % perPeer]], i / perPeer, "started", 0));
            System.out.printf("registrations/s: discovery %,.0f (%,d heartbeats with %d assets through Kafka, produce to "
                    + "indexed) vs bittorrent-tracker %,.0f (one announce per registration); ratio %.2f%n",
                    expected / discoveryIngest, peers, perPeer, trackerIngest.rate, expected / discoveryIngest / trackerIngest.rate);

            // --- "10 peers holding X" requests
            int queries = o.get("queries");
            int[] askers = new int[queries];
            int[] wanted = new int[queries];
            for (int q = 0; q < queries; q++) {
                askers[q] = random.nextInt(peers);
                wanted[q] = holds[askers[q]][random.nextInt(perPeer)];
            }
            run(http, Math.min(5_000, queries), o.get("concurrency"), i -> URI.create(discovery + "/api/v1/sites/bench/assets/"
                    + HexFormat.of().formatHex(hashes[wanted[i]]) + "/peers?near=peer" + askers[i] + "&limit=10"));
            run(http, Math.min(5_000, queries), o.get("concurrency"), i -> announce(tracker, hashes[wanted[i]], askers[i], null, 10));
            Result d = run(http, queries, o.get("concurrency"), i -> URI.create(discovery + "/api/v1/sites/bench/assets/"
                    + HexFormat.of().formatHex(hashes[wanted[i]]) + "/peers?near=peer" + askers[i] + "&limit=10"));
            Result t = run(http, queries, o.get("concurrency"), i -> announce(tracker, hashes[wanted[i]], askers[i], null, 10));
            System.out.printf("peer-list requests: discovery %,.0f/s p50 %.2f ms p99 %.2f ms (ranked by nearness) vs "
                    + "bittorrent-tracker %,.0f/s p50 %.2f ms p99 %.2f ms (random peers); throughput ratio %.2f, p99 ratio %.2f%n",
                    d.rate, d.p50, d.p99, t.rate, t.p50, t.p99, d.rate / t.rate, d.p99 / t.p99);
            if (d.errors + t.errors > 0) {
                System.out.printf("errors: discovery %d, tracker %d%n", d.errors, t.errors);
            }
        } finally {
            children.forEach(c -> c.stop(Duration.ofSeconds(5)));
            kafka.stop();
            System.exit(0);
        }
    }

    record Result(double rate, double p50, double p99, int errors) {
    }

    private static Result run(HttpClient http, int count, int concurrency, IntFunction<URI> request) throws Exception {
        long[] latency = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    long s = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(request.apply(i)).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latency[i] = System.nanoTime() - s;
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latency);
        return new Result(count / secs, latency[count / 2] / 1e6, latency[(int) (count * 0.99)] / 1e6, errors.get());
    }

    private static URI announce(String tracker, byte[] sha256, int peer, String event, int numwant) {
        byte[] peerId = String.format("-C2C000-%012d", peer).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return URI.create(tracker + "/announce?info_hash=" + percent(Arrays.copyOf(sha256, 20)) + "&peer_id="
                + percent(peerId) + "&port=" + (10_000 + peer % 50_000) + "&uploaded=0&downloaded=0&left=0&compact=1"
                + "&numwant=" + numwant + (event == null ? "" : "&event=" + event));
    }

    private static String percent(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            sb.append('%').append(String.format("%02X", b & 0xff));
        }
        return sb.toString();
    }

    private static double metric(HttpClient http, String base, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
    }

    private static void awaitStatus(HttpClient http, String url, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                int got = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status < 0 || got == status) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(url + " did not answer " + status + " within 60 s");
    }
}
