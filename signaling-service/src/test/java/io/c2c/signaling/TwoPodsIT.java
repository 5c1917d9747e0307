package io.c2c.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.protocol.CloseCodes;
import io.c2c.signaling.support.ServicePod;
import io.c2c.signaling.support.UpstreamStub;
import io.c2c.signaling.support.WsClient;
import io.c2c.testing.TestInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two packaged signaling pods sharing the harness's real Redis and Kafka: cross-pod routing,
 * consistent rooms under concurrent joins and leaves, resume after SIGKILL with buffered signals
 * delivered exactly once, no ghost members, and a clean SIGTERM drain.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoPodsIT {

    static final String ORIGIN = "https://demo.test";
    static UpstreamStub upstream;
    static ServicePod podA;
    static ServicePod podB;

    @BeforeAll
    static void startPods() {
        upstream = new UpstreamStub();
        Path dir = TestInfrastructure.root().resolve("pods");
        Map<String, String> props = new HashMap<>();
        props.put("quarkus.redis.hosts", TestInfrastructure.redis().uri());
        props.put("kafka.bootstrap.servers", TestInfrastructure.kafka().bootstrapServers());
        props.put("c2c.signaling.sites.demo.domains", "demo.test");
        props.put("c2c.signaling.sites.other.domains", "other.test");
        props.put("c2c.signaling.presence-ttl", "4s");
        props.put("c2c.signaling.presence-refresh-interval", "1s");
        props.put("c2c.signaling.resume-grace", "6s");
        props.put("c2c.signaling.pod-refresh-interval", "1s");
        props.put("c2c.signaling.sweep-interval", "1s");
        props.put("c2c.signaling.max-room-members", "16");
        props.put("c2c.signaling.relay-url", upstream.url());
        props.put("c2c.signaling.relay-token", UpstreamStub.TOKEN);
        props.put("c2c.signaling.discovery-url", upstream.url());
        props.put("c2c.signaling.region", "test-1");
        props.put("c2c.signaling.drain-delay", "2s");
        podA = new ServicePod("pod-a", dir, props);
        podB = new ServicePod("pod-b", dir, props);
        podA.start(Duration.ofSeconds(90));
        podB.start(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopPods() {
        for (AutoCloseable c : new AutoCloseable[] {podA, podB, upstream}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    @Order(1)
    void aPeerOnPodASignalsAPeerOnPodB() {
        String room = "cross-" + System.nanoTime();
        try (WsClient a = WsClient.hello(podA.endpoint(), ORIGIN, "demo"); WsClient b = WsClient.hello(podB.endpoint(), ORIGIN, "demo")) {
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            a.await("joined");
            b.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals(2, b.await("joined").get("members").size());
            assertEquals(b.peerId, a.await("member-joined").get("peerId").asText());

            a.signal(b.peerId, "offer", "{\"sdp\":\"offer from A\"}");
            assertEquals("offer from A", b.await("signal").at("/payload/sdp").asText());
            b.signal(a.peerId, "answer", "{\"sdp\":\"answer from B\"}");
            assertEquals("answer from B", a.await("signal").at("/payload/sdp").asText());
            for (int i = 0; i < 20; i++) {
                a.signal(b.peerId, "candidate", "{\"i\":" + i + "}");
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(i, b.await("signal").at("/payload/i").asInt(), "order kept across pods");
            }
            assertTrue(podA.metric("c2c_signaling_cross_pod_deliveries_total") >= 21, "cross-pod counter");
            assertTrue(podB.get("/q/metrics").body().contains("c2c_signaling_delivery_latency_seconds_bucket"));
        }
    }

    @Test
    @Order(2)
    void welcomeCarriesRelayIceServersAndFindIsForwardedToDiscovery() {
        try (WsClient a = WsClient.hello(podA.endpoint(), ORIGIN, "demo")) {
            assertTrue(upstream.requests.stream().anyMatch(r -> r.startsWith("ice site=demo&peer=" + a.peerId + "&region=test-1 auth=Bearer "
                    + UpstreamStub.TOKEN)), upstream.requests.toString());
            a.send("{\"type\":\"find\",\"id\":\"f1\",\"asset\":\"" + "c".repeat(64) + "\",\"limit\":1}");
            JsonNode found = a.await("found");
            assertEquals("f1", found.get("re").asText());
            assertEquals(1, found.get("peers").size(), "limit applied");
            assertEquals("a".repeat(32), found.at("/peers/0/peerId").asText());
            assertTrue(upstream.requests.stream().anyMatch(r -> r.contains("/api/v1/sites/demo/assets/" + "c".repeat(64)
                    + "/peers?near=" + a.peerId + "&limit=1")), upstream.requests.toString());
        }
        try (WsClient fresh = WsClient.connect(podB.endpoint(), ORIGIN)) {
            fresh.send("{\"type\":\"hello\",\"site\":\"demo\"}");
            JsonNode welcome = fresh.await("welcome");
            assertTrue(welcome.at("/iceServers/0/username").asText().startsWith("u-"), welcome.toString());
            assertEquals(600, welcome.get("iceTtlSeconds").asLong());
        }
    }

    @Test
    @Order(3)
    void roomMembershipStaysConsistentUnderConcurrentJoinsAndLeavesOnBothPods() throws Exception {
        String room = "race-" + System.nanoTime();
        int clients = 10;
        List<WsClient> all = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < clients; i++) {
                all.add(WsClient.hello((i % 2 == 0 ? podA : podB).endpoint(), ORIGIN, "demo"));
            }
            List<Future<Boolean>> finals = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                WsClient c = all.get(i);
                long seed = i;
                finals.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    boolean in = false;
                    for (int step = 0; step < 6; step++) {
                        c.send("{\"type\":\"" + (in ? "leave" : "join") + "\",\"room\":\"" + room + "\"}");
                        in = !in;
                        Thread.sleep(random.nextInt(20));
                    }
                    if (random.nextBoolean()) {
                        c.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
                        in = true;
                    }
                    return in;
                }));
            }
            boolean[] intended = new boolean[clients];
            for (int i = 0; i < clients; i++) {
                intended[i] = finals.get(i).get(30, TimeUnit.SECONDS);
            }
            // who is inside according to the answers each client got (its last joined or left)
            Set<String> expected = new TreeSet<>();
            // every client's own view, built only from what the server told it, with the documented client rule:
            // start from the last joined list, then apply member events whose version is above that list's
            // version, in version order, including events that arrived before the joined answer
            List<Set<String>> views = new ArrayList<>();
            List<List<String>> logs = new ArrayList<>();
            List<Set<String>> bases = new ArrayList<>();
            List<java.util.TreeMap<Long, String>> events = new ArrayList<>();
            long[] snapshots = new long[clients];
            boolean[] inside = new boolean[clients];
            for (int i = 0; i < clients; i++) {
                views.add(new TreeSet<>());
                logs.add(new ArrayList<>());
                bases.add(new TreeSet<>());
                events.add(new java.util.TreeMap<>());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            boolean converged = false;
            while (!converged && System.nanoTime() < deadline) {
                converged = true;
                for (int i = 0; i < clients; i++) {
                    for (JsonNode m : all.get(i).drain(Duration.ofMillis(50))) {
                        assertFalse("error".equals(m.path("type").asText()), "client " + i + " was refused: " + m);
                        long version = m.path("version").asLong();
                        logs.get(i).add(m.path("type").asText() + " " + m.path("peerId").asText("") + " v" + version
                                + (m.has("members") ? " " + m.get("members") : ""));
                        switch (m.path("type").asText()) {
                            case "joined" -> {
                                Set<String> base = bases.get(i);
                                base.clear();
                                m.get("members").forEach(p -> base.add(p.asText()));
                                snapshots[i] = version;
                                inside[i] = true;
                            }
                            case "left" -> inside[i] = false;
                            case "member-joined" -> events.get(i).put(version, "+" + m.get("peerId").asText());
                            case "member-left" -> events.get(i).put(version, "-" + m.get("peerId").asText());
                            default -> { }
                        }
                    }
                }
                expected.clear();
                for (int i = 0; i < clients; i++) {
                    if (inside[i]) {
                        expected.add(all.get(i).peerId);
                    }
                    converged &= inside[i] == intended[i];
                }
                for (int i = 0; i < clients; i++) {
                    Set<String> view = views.get(i);
                    view.clear();
                    if (inside[i]) {
                        view.addAll(bases.get(i));
                        for (String event : events.get(i).tailMap(snapshots[i], false).values()) {
                            if (event.startsWith("+")) {
                                view.add(event.substring(1));
                            } else {
                                view.remove(event.substring(1));
                            }
                        }
                    }
                    if (expected.contains(all.get(i).peerId) && !expected.equals(view)) {
                        converged = false;
                    }
                }
            }
            for (int i = 0; i < clients; i++) {
                assertEquals(intended[i], inside[i], "client " + i + "'s last answer matches its last request: " + logs.get(i));
            }
            for (int i = 0; i < clients; i++) {
                if (expected.contains(all.get(i).peerId)) {
                    Set<String> diff = new TreeSet<>(expected);
                    diff.removeAll(views.get(i));
                    Set<String> extra = new TreeSet<>(views.get(i));
                    extra.removeAll(expected);
                    StringBuilder others = new StringBuilder();
                    for (int j = 0; j < clients; j++) {
                        if (diff.contains(all.get(j).peerId) || extra.contains(all.get(j).peerId)) {
                            others.append("; own messages of ").append(all.get(j).peerId).append(": ").append(logs.get(j));
                        }
                    }
                    assertEquals(expected, views.get(i), "view of member " + i + " (" + all.get(i).peerId + "), missing " + diff
                            + ", extra " + extra + ", messages " + logs.get(i) + others);
                }
            }
            try (WsClient observer = WsClient.hello(podB.endpoint(), ORIGIN, "demo")) {
                observer.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
                Set<String> truth = new TreeSet<>();
                observer.await("joined").get("members").forEach(p -> truth.add(p.asText()));
                truth.remove(observer.peerId);
                assertEquals(expected, truth, "Redis holds exactly the peers that ended inside");
            }
        } finally {
            pool.shutdownNow();
            all.forEach(WsClient::close);
        }
    }

    @Test
    @Order(4)
    void afterSigkillThePeerResumesOnTheOtherPodWithBufferedSignalsExactlyOnceAndNoGhostsRemain() throws Exception {
        String room = "kill-" + System.nanoTime();
        WsClient survivor = WsClient.hello(podB.endpoint(), ORIGIN, "demo");
        WsClient victim = WsClient.hello(podA.endpoint(), ORIGIN, "demo");
        WsClient ghost = WsClient.hello(podA.endpoint(), ORIGIN, "demo");
        try {
            for (WsClient c : List.of(survivor, victim, ghost)) {
                c.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
                c.await("joined");
            }
            podA.kill();
            for (int i = 0; i < 3; i++) {
                survivor.signal(victim.peerId, "candidate", "{\"i\":" + i + "}");
            }
            survivor.send("{\"type\":\"ping\"}");
            List<JsonNode> beforeResume = new ArrayList<>();
            beforeResume.add(survivor.await("pong"));
            try (WsClient resumed = WsClient.resume(podB.endpoint(), ORIGIN, "demo", victim.peerId, victim.resumeToken)) {
                JsonNode welcome = resumed.await("welcome");
                assertTrue(welcome.get("resumed").asBoolean());
                assertEquals(room, welcome.at("/rooms/0").asText());
                for (int i = 0; i < 3; i++) {
                    assertEquals(i, resumed.await("signal").at("/payload/i").asInt());
                }
                survivor.signal(victim.peerId, "candidate", "{\"i\":3}");
                assertEquals(3, resumed.await("signal").at("/payload/i").asInt());
                assertTrue(resumed.drain(Duration.ofMillis(800)).stream().noneMatch(m -> "signal".equals(m.path("type").asText())),
                        "each buffered signal exactly once");

                // the ghost never comes back: its room is told once presence expires, and it is unreachable
                JsonNode left = survivor.await(m -> "member-left".equals(m.path("type").asText()), Duration.ofSeconds(20), "member-left");
                assertEquals(ghost.peerId, left.get("peerId").asText());
                assertEquals("expired", left.get("reason").asText());
                JsonNode gone = resumed.await(m -> "member-left".equals(m.path("type").asText()), Duration.ofSeconds(5), "member-left");
                assertEquals(ghost.peerId, gone.get("peerId").asText());
                survivor.signal(ghost.peerId, "offer", "{}");
                assertEquals("peer-unavailable", survivor.await("error").get("code").asText());
                resumed.signal(survivor.peerId, "answer", "{\"ok\":true}");
                assertTrue(survivor.await("signal").at("/payload/ok").asBoolean());
            }
        } finally {
            survivor.close();
            victim.abort();
            ghost.abort();
        }
        podA.start(Duration.ofSeconds(90));
    }

    @Test
    @Order(5)
    void sigtermSendsReconnectClosesWith1012AndRefusesNewConnectionsWhileDraining() throws Exception {
        WsClient client = WsClient.hello(podA.endpoint(), ORIGIN, "demo");
        WsClient other = WsClient.hello(podB.endpoint(), ORIGIN, "demo");
        try {
            podA.terminate();
            JsonNode reconnect = client.await("reconnect");
            assertEquals("shutdown", reconnect.get("reason").asText());
            assertEquals(CloseCodes.SERVICE_RESTART, client.awaitClose(Duration.ofSeconds(10)));
            boolean sawDown = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline && podA.isAlive()) {
                int status = podA.readyStatus();
                if (status == 503) {
                    sawDown = true;
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(sawDown, "readiness DOWN while draining");
            assertFalse(canConnect(podA), "no new connections while draining");

            // signals sent meanwhile wait for the peer, which resumes on the other pod
            other.signal(client.peerId, "offer", "{\"sdp\":\"while moving\"}");
            try (WsClient moved = WsClient.resume(podB.endpoint(), ORIGIN, "demo", client.peerId, client.resumeToken)) {
                JsonNode welcome = moved.next(Duration.ofSeconds(15));
                assertEquals("welcome", welcome == null ? null : welcome.path("type").asText(), "welcome first: " + welcome);
                assertTrue(welcome.get("resumed").asBoolean());
                assertEquals("while moving", moved.await("signal").at("/payload/sdp").asText());
            }
        } finally {
            other.close();
        }
    }

    private static boolean canConnect(ServicePod pod) {
        try (WsClient c = WsClient.connect(pod.endpoint(), ORIGIN)) {
            return true;
        } catch (IllegalStateException refused) {
            return false;
        }
    }
}
