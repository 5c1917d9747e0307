package io.c2c.discovery;

import static io.c2c.discovery.TestEvents.hash;
import static io.c2c.discovery.TestEvents.heartbeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.discovery.service.SitePartitioner;
import io.c2c.testing.FreePorts;
import io.c2c.testing.PackagedService;
import io.c2c.testing.PlatformTopics;
import io.c2c.testing.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the packaged service (separate processes, as in production) in one consumer
 * group over the real broker: each owns part of the partitions, either answers any site
 * (forwarding to the owner), and when one is killed with SIGKILL the survivor takes its
 * partitions over, rebuilds them from the topic and answers every site correctly again within 10 s.
 */
class TwoInstancesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = hash('a');
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<PackagedService> processes = new ArrayList<>();
    private ScheduledExecutorService signaling;

    @AfterEach
    void stop() {
        if (signaling != null) {
            signaling.shutdownNow();
        }
        processes.forEach(PackagedService::kill);
    }

    @Test
    void bothInstancesAnswerEverySiteAndTheSurvivorTakesOverWithin10Seconds() throws Exception {
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        String group = "it-" + UUID.randomUUID();
        int port1 = FreePorts.next();
        int port2 = FreePorts.next();
        start(port1, bootstrap, group);
        PackagedService second = start(port2, bootstrap, group);
        String url1 = "http://127.0.0.1:" + port1;
        String url2 = "http://127.0.0.1:" + port2;

        // Two sites per partition, so that each instance owns some and forwards for the others.
        Map<String, List<String>> expected = new LinkedHashMap<>();
        Map<Integer, Integer> perPartition = new LinkedHashMap<>();
        while (expected.size() < 2 * PlatformTopics.PEER_EVENT_PARTITIONS) {
            String site = "site-" + UUID.randomUUID();
            int p = SitePartitioner.partition(site, PlatformTopics.PEER_EVENT_PARTITIONS);
            if (perPartition.merge(p, 1, Integer::sum) <= 2) {
                expected.put(site, List.of(site + "-near", site + "-far"));
            }
        }
        // Signaling's job in production: re-emit every live peer's heartbeat at a fixed interval.
        TestEvents events = new TestEvents(bootstrap);
        signaling = Executors.newSingleThreadScheduledExecutor();
        signaling.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            for (String site : expected.keySet()) {
                NetworkPosition me = new NetworkPosition("10.0.0.0/24", 1, "DE", "eu");
                events.send(heartbeat(site, "me", now, me, 0, 0, 100, 0));
                events.send(heartbeat(site, site + "-far", now, new NetworkPosition("192.0.2.0/24", 2, "US", "us"),
                        30, 40, 100, 0, A));
                events.send(heartbeat(site, site + "-near", now, me, 30, 40, 100, 0, A));
            }
        }, 0, 1, TimeUnit.SECONDS);

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> ready(url1) && ready(url2) && owned(url1).size() + owned(url2).size()
                        == PlatformTopics.PEER_EVENT_PARTITIONS && !owned(url1).isEmpty() && !owned(url2).isEmpty());
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> allCorrect(url1, expected) && allCorrect(url2, expected));
        assertTrue(metric(url1, "c2c_discovery_queries_forwarded_total{outcome=\"ok\"}") > 0);
        assertTrue(metric(url2, "c2c_discovery_queries_forwarded_total{outcome=\"ok\"}") > 0);

        long killedAt = System.nanoTime();
        second.kill();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> allCorrect(url1, expected));
        long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        System.out.printf("discovery takeover after SIGKILL: every site answered correctly by the survivor after %d ms%n",
                takeoverMillis);
        assertTrue(takeoverMillis < 10_000, "takeover took " + takeoverMillis + " ms");
        assertEquals(Set.of(0, 1, 2, 3), owned(url1));
        assertTrue(ready(url1));
        events.close();
    }

    private PackagedService start(int port, String bootstrap, String group) {
        PackagedService service = PackagedService.start("discovery-service", port, Map.of(), Map.of(
                        "kafka.bootstrap.servers", bootstrap,
                        "c2c.discovery.feed.group-id", group,
                        "c2c.discovery.feed.rebuild-window", "5s",
                        "c2c.discovery.feed.lag-check-interval", "250ms",
                        "c2c.discovery.routing.advertised-url", "http://127.0.0.1:" + port,
                        "c2c.discovery.routing.owner-cache-ttl", "500ms"),
                TestInfrastructure.root(), Duration.ofSeconds(90));
        processes.add(service);
        return service;
    }

    private boolean allCorrect(String url, Map<String, List<String>> expected) {
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            JsonNode answer = get(url + "/api/v1/sites/" + e.getKey() + "/assets/" + A + "/peers?near=me&limit=5");
            if (answer == null || answer.path("stale").asBoolean(true)) {
                return false;
            }
            List<String> ids = new ArrayList<>();
            answer.path("peers").forEach(peer -> ids.add(peer.path("peerId").asText()));
            if (!ids.equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private boolean ready(String url) {
        JsonNode health = get(url + "/q/health/ready");
        return health != null && "UP".equals(health.path("status").asText());
    }

    private Set<Integer> owned(String url) {
        JsonNode health = get(url + "/q/health/ready");
        Set<Integer> partitions = new HashSet<>();
        if (health == null) {
            return partitions;
        }
        for (JsonNode check : health.path("checks")) {
            String list = check.path("data").path("ownedPartitions").asText("");
            for (String p : list.replaceAll("[\\[\\] ]", "").split(",")) {
                if (!p.isEmpty()) {
                    partitions.add(Integer.parseInt(p));
                }
            }
        }
        return partitions;
    }

    private double metric(String url, String series) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(series)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 && response.statusCode() != 503) {
                return null;
            }
            return JSON.readTree(response.body());
        } catch (Exception e) {
            return null;
        }
    }
}
