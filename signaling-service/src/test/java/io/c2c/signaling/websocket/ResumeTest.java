package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.protocol.CloseCodes;
import io.c2c.signaling.routing.RedisKeys;
import io.c2c.signaling.support.WsClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Resume within the grace period (buffered signals exactly once) and expiry after it, on one pod. */
@QuarkusTest
class ResumeTest {

    static final String ORIGIN = "http://localhost";

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    URI endpoint() {
        return WsClient.endpoint(base.getPort());
    }

    /**
     * Signals routed through Redis do not wait for their outcome (SendOrder, RouteBatcher): a burst to a
     * detached peer, mixed with signals to a peer that does not exist, is buffered whole and in order, and
     * each signal to nobody gets its own peer-unavailable, in the order sent.
     */
    @Test
    void aBurstOfRoutedSignalsKeepsItsOrderAndEachUnreachableOneIsAnswered() {
        String nobody = "f".repeat(32);
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            WsClient b = WsClient.hello(endpoint(), ORIGIN, "demo");
            b.abort();
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> "d".equals(redis.hash(String.class).hget(RedisKeys.peer(b.peerId), "state")));
            int sent = 0;
            for (int i = 0; i < 90; i++) {
                if (i % 9 == 4) {
                    a.send("{\"type\":\"signal\",\"id\":\"x" + i + "\",\"to\":\"" + nobody
                            + "\",\"kind\":\"candidate\",\"payload\":{}}");
                } else {
                    a.signal(b.peerId, "candidate", "{\"n\":" + sent++ + "}");
                }
            }
            for (int i = 0; i < 90; i++) {
                if (i % 9 == 4) {
                    JsonNode error = a.await("error");
                    assertEquals("peer-unavailable", error.get("code").asText(), error.toString());
                    assertEquals("x" + i, error.get("re").asText(), "errors in the order sent");
                }
            }
            int buffered = sent;
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> redis.list(String.class).llen(RedisKeys.buffer(b.peerId)) == buffered);
            try (WsClient back = WsClient.resume(endpoint(), ORIGIN, "demo", b.peerId, b.resumeToken)) {
                back.await("welcome");
                for (int n = 0; n < buffered; n++) {
                    assertEquals(n, back.await("signal").at("/payload/n").asInt(), "buffered in the order sent");
                }
                assertTrue(back.drain(Duration.ofMillis(500)).stream().noneMatch(m -> "signal".equals(m.path("type").asText())),
                        "no signal twice");
            }
            assertTrue(a.drain(Duration.ofMillis(200)).stream().noneMatch(m -> "error".equals(m.path("type").asText())),
                    "no other error");
        }
    }

    @Test
    void aDroppedPeerResumesWithItsIdRoomsAndBufferedSignalsExactlyOnce() {
        String room = "resume-" + System.nanoTime();
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            WsClient b = WsClient.hello(endpoint(), ORIGIN, "demo");
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            a.await("joined");
            b.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            b.await("joined");
            a.await("member-joined");

            b.abort();
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> "d".equals(redis.hash(String.class).hget(RedisKeys.peer(b.peerId), "state")));
            for (int i = 0; i < 3; i++) {
                a.signal(b.peerId, "candidate", "{\"n\":" + i + "}");
            }
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> redis.list(String.class).llen(RedisKeys.buffer(b.peerId)) == 3);

            try (WsClient back = WsClient.resume(endpoint(), ORIGIN, "demo", b.peerId, b.resumeToken)) {
                JsonNode welcome = back.await("welcome");
                assertTrue(welcome.get("resumed").asBoolean());
                assertEquals(b.peerId, welcome.get("peerId").asText());
                assertEquals(room, welcome.at("/rooms/0").asText());
                assertEquals(1, welcome.get("rooms").size());
                for (int i = 0; i < 3; i++) {
                    JsonNode signal = back.await("signal");
                    assertEquals(i, signal.at("/payload/n").asInt(), "buffered signals in order");
                    assertEquals(a.peerId, signal.get("from").asText());
                }
                a.signal(b.peerId, "candidate", "{\"n\":3}");
                assertEquals(3, back.await("signal").at("/payload/n").asInt());
                List<JsonNode> extra = back.drain(Duration.ofMillis(800));
                assertTrue(extra.stream().noneMatch(m -> "signal".equals(m.path("type").asText())), "no duplicates: " + extra);
                assertFalse(redis.key().exists(RedisKeys.buffer(b.peerId)));
                assertEquals(Set.of(a.peerId, b.peerId), redis.set(String.class).smembers(RedisKeys.room("demo", room)));
            }
        }
    }

    @Test
    void afterTheGracePeriodThePeerIsGoneAndItsRoomsAreTold() {
        String room = "expire-" + System.nanoTime();
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            WsClient b = WsClient.hello(endpoint(), ORIGIN, "demo");
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            a.await("joined");
            b.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            b.await("joined");
            a.await("member-joined");
            long dropped = System.nanoTime();
            b.abort();

            JsonNode left = a.await(m -> "member-left".equals(m.path("type").asText()), Duration.ofSeconds(15), "member-left");
            long waitedMillis = (System.nanoTime() - dropped) / 1_000_000;
            assertEquals("expired", left.get("reason").asText());
            assertEquals(b.peerId, left.get("peerId").asText());
            assertTrue(waitedMillis >= 3_000, "not before the 4 s grace period: " + waitedMillis);
            assertFalse(redis.key().exists(RedisKeys.peer(b.peerId)));
            assertEquals(Set.of(a.peerId), redis.set(String.class).smembers(RedisKeys.room("demo", room)));

            try (WsClient late = WsClient.resume(endpoint(), ORIGIN, "demo", b.peerId, b.resumeToken)) {
                assertEquals("resume-failed", late.await("error").get("code").asText());
            }
            a.signal(b.peerId, "offer", "{}");
            assertEquals("peer-unavailable", a.await("error").get("code").asText());
        }
    }

    @Test
    void resumingWhileTheOldConnectionIsStillOpenReplacesIt() {
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo");
             WsClient again = WsClient.resume(endpoint(), ORIGIN, "demo", a.peerId, a.resumeToken)) {
            assertTrue(again.await("welcome").get("resumed").asBoolean());
            assertEquals(CloseCodes.REPLACED, a.awaitClose(Duration.ofSeconds(5)));
            try (WsClient c = WsClient.hello(endpoint(), ORIGIN, "demo")) {
                c.signal(a.peerId, "offer", "{\"sdp\":\"s\"}");
                assertEquals("s", again.await("signal").at("/payload/sdp").asText());
            }
            // the replaced connection's close must not mark the peer detached
            assertEquals("c", redis.hash(String.class).hget(RedisKeys.peer(a.peerId), "state"));
        }
    }
    @Test
    void signalsRacingAResumeArriveAfterTheWelcomeInOrderAndExactlyOnce() throws Exception {
        int senders = 3;
        int perSender = 80;
        WsClient target = WsClient.hello(endpoint(), ORIGIN, "demo");
        List<WsClient> from = new java.util.ArrayList<>();
        for (int s = 0; s < senders; s++) {
            from.add(WsClient.hello(endpoint(), ORIGIN, "demo"));
        }
        target.abort();
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "d".equals(redis.hash(String.class).hget(RedisKeys.peer(target.peerId), "state")));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(senders);
        try {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(senders);
            List<java.util.concurrent.Future<?>> sending = new java.util.ArrayList<>();
            for (int s = 0; s < senders; s++) {
                WsClient sender = from.get(s);
                int id = s;
                sending.add(pool.submit(() -> {
                    for (int n = 0; n < perSender; n++) {
                        sender.signal(target.peerId, "candidate", "{\"s\":" + id + ",\"n\":" + n + "}");
                        if (n == 5) {
                            started.countDown();
                        }
                    }
                    return null;
                }));
            }
            started.await();
            // the resume lands while signals are routed: some into the buffer, some straight to the new connection
            try (WsClient back = WsClient.resume(endpoint(), ORIGIN, "demo", target.peerId, target.resumeToken)) {
                for (java.util.concurrent.Future<?> f : sending) {
                    f.get(20, java.util.concurrent.TimeUnit.SECONDS);
                }
                JsonNode first = back.next(Duration.ofSeconds(10));
                assertEquals("welcome", first == null ? null : first.path("type").asText(), "the welcome comes first: " + first);
                int[] next = new int[senders];
                for (int received = 0; received < senders * perSender; received++) {
                    JsonNode m = back.await("signal");
                    int s = m.at("/payload/s").asInt();
                    assertEquals(next[s], m.at("/payload/n").asInt(), "signals of sender " + s + " in order, none lost");
                    next[s]++;
                }
                assertTrue(back.drain(Duration.ofMillis(500)).stream().noneMatch(m -> "signal".equals(m.path("type").asText())),
                        "no signal twice");
            }
            for (WsClient sender : from) {
                assertTrue(sender.drain(Duration.ofMillis(100)).stream().noneMatch(m -> "error".equals(m.path("type").asText())),
                        "no sender was refused");
            }
        } finally {
            pool.shutdownNow();
            from.forEach(WsClient::close);
        }
    }
    /**
     * Same pod, the target's connection drops while a sender streams to it: signals handed to the dead
     * connection fall back to the resume buffer (the sender does not wait for its writes, see SendOrder), so
     * across the resume the target sees each signal at most once, in order, and every one from the first it
     * missed to the last (only what TCP had in flight at the drop may be lost).
     */
    @Test
    void signalsStreamingWhileTheTargetDropsArriveInOrderOnceAcrossTheResume() throws Exception {
        int signals = 90;
        WsClient target = WsClient.hello(endpoint(), ORIGIN, "demo");
        try (WsClient sender = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            Thread stream = new Thread(() -> {
                for (int n = 0; n < signals; n++) {
                    sender.signal(target.peerId, "candidate", "{\"n\":" + n + "}");
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            stream.start();
            target.await(m -> "signal".equals(m.path("type").asText()) && m.at("/payload/n").asInt() >= 20,
                    Duration.ofSeconds(15), "signal 20");
            target.abort();
            stream.join(20_000);
            List<Integer> before = new java.util.ArrayList<>();
            for (JsonNode m : target.drain(Duration.ofMillis(200))) {
                if ("signal".equals(m.path("type").asText())) {
                    before.add(m.at("/payload/n").asInt());
                }
            }
            int last = before.isEmpty() ? 20 : before.get(before.size() - 1);
            for (int i = 1; i < before.size(); i++) {
                assertEquals(before.get(i - 1) + 1, before.get(i), "in order before the drop: " + before);
            }
            try (WsClient back = WsClient.resume(endpoint(), ORIGIN, "demo", target.peerId, target.resumeToken)) {
                back.await("welcome");
                JsonNode first = back.await("signal");
                int n = first.at("/payload/n").asInt();
                assertTrue(n > last, "nothing twice: " + n + " after " + last);
                while (n < signals - 1) {
                    int next = back.await("signal").at("/payload/n").asInt();
                    assertEquals(n + 1, next, "in order and none lost after the drop");
                    n = next;
                }
                assertTrue(back.drain(Duration.ofMillis(300)).stream().noneMatch(m -> "signal".equals(m.path("type").asText())),
                        "no signal twice");
            }
            assertTrue(sender.drain(Duration.ofMillis(100)).stream().noneMatch(m -> "error".equals(m.path("type").asText())),
                    "the sender was never refused");
        }
    }

    @Test
    void aResumeTokenWorksOnceAndEveryWelcomeCarriesAFreshOne() {
        WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo");
        String first = a.resumeToken;
        a.abort();
        String second;
        try (WsClient back = WsClient.resume(endpoint(), ORIGIN, "demo", a.peerId, first)) {
            JsonNode welcome = back.await("welcome");
            assertTrue(welcome.get("resumed").asBoolean());
            second = welcome.get("resumeToken").asText();
            assertTrue(second.matches("[0-9a-f]{32}") && !second.equals(first), "a fresh token: " + welcome);
            back.abort();
        }
        try (WsClient replay = WsClient.resume(endpoint(), ORIGIN, "demo", a.peerId, first)) {
            assertEquals("resume-failed", replay.await("error").get("code").asText(), "a used token is void");
        }
        try (WsClient again = WsClient.resume(endpoint(), ORIGIN, "demo", a.peerId, second)) {
            assertTrue(again.await("welcome").get("resumed").asBoolean(), "the fresh token works");
        }
    }

    @Test
    void aResumeWithAWrongTokenNeverReceivesThePeersMessages() throws Exception {
        int signals = 80;
        try (WsClient victim = WsClient.hello(endpoint(), ORIGIN, "demo");
             WsClient sender = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread stream = new Thread(() -> {
                for (int n = 0; n < signals; n++) {
                    sender.signal(victim.peerId, "candidate", "{\"n\":" + n + "}");
                    try {
                        Thread.sleep(3);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                sending.set(false);
            });
            stream.start();
            int attempts = 0;
            while (sending.get() && attempts < 40) {
                attempts++;
                try (WsClient thief = WsClient.resume(endpoint(), ORIGIN, "demo", victim.peerId, "0".repeat(32))) {
                    assertEquals("resume-failed", thief.await("error").get("code").asText());
                    thief.send("{\"type\":\"hello\",\"site\":\"demo\"}");
                    thief.await("welcome");
                    List<JsonNode> got = thief.drain(Duration.ofMillis(20));
                    assertTrue(got.stream().noneMatch(m -> "signal".equals(m.path("type").asText())),
                            "the victim's signals never reach a wrong token: " + got);
                }
            }
            stream.join(20_000);
            for (int n = 0; n < signals; n++) {
                assertEquals(n, victim.await("signal").at("/payload/n").asInt(), "every signal reaches the peer, in order");
            }
        }
    }
}
