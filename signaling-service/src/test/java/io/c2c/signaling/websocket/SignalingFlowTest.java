package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The c2c.v1 happy paths over real WebSockets against the real Redis of the harness. */
@QuarkusTest
class SignalingFlowTest {

    static final String ORIGIN = "http://demo.test";

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    URI endpoint() {
        return WsClient.endpoint(base.getPort());
    }

    @Test
    void welcomeGivesRandomIdsTimingsAndConfiguredIceServers() {
        try (WsClient a = WsClient.connect(endpoint(), ORIGIN); WsClient b = WsClient.connect(endpoint(), ORIGIN)) {
            a.send("{\"type\":\"hello\",\"id\":\"h1\",\"site\":\"demo\",\"capabilities\":{\"uploadCapacity\":1000}}");
            JsonNode welcome = a.await("welcome");
            assertEquals("h1", welcome.get("re").asText());
            assertTrue(welcome.get("peerId").asText().matches("[0-9a-f]{32}"), welcome.toString());
            assertTrue(welcome.get("resumeToken").asText().matches("[0-9a-f]{32}"), welcome.toString());
            assertNotEquals(welcome.get("peerId").asText(), welcome.get("resumeToken").asText());
            assertEquals("c2c.v1", welcome.get("protocol").asText());
            assertFalse(welcome.get("resumed").asBoolean());
            assertEquals(15_000, welcome.get("heartbeatIntervalMs").asLong());
            assertEquals(65_536, welcome.get("maxMessageBytes").asInt());
            assertEquals("stun:127.0.0.1:3478", welcome.at("/iceServers/0/urls/0").asText());
            b.send("{\"type\":\"hello\",\"site\":\"demo\"}");
            assertNotEquals(welcome.get("peerId").asText(), b.await("welcome").get("peerId").asText());
            assertEquals("demo", redis.hash(String.class).hget(RedisKeys.peer(welcome.get("peerId").asText()), "site"));
        }
    }

    @Test
    void twoPeersInARoomExchangeOfferAnswerAndCandidates() {
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo"); WsClient b = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            String room = "room-" + System.nanoTime();
            a.send("{\"type\":\"join\",\"id\":\"j1\",\"room\":\"" + room + "\"}");
            JsonNode joinedA = a.await("joined");
            assertEquals("j1", joinedA.get("re").asText());
            assertEquals(List.of(a.peerId), members(joinedA));

            b.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals(new TreeSet<>(List.of(a.peerId, b.peerId)), new TreeSet<>(members(b.await("joined"))));
            JsonNode memberJoined = a.await("member-joined");
            assertEquals(b.peerId, memberJoined.get("peerId").asText());
            assertEquals(room, memberJoined.get("room").asText());

            b.signal(a.peerId, "offer", "{\"sdp\":\"v=0 offer\"}");
            JsonNode offer = a.await("signal");
            assertEquals(b.peerId, offer.get("from").asText());
            assertEquals("offer", offer.get("kind").asText());
            assertEquals("v=0 offer", offer.at("/payload/sdp").asText());
            a.signal(b.peerId, "answer", "{\"sdp\":\"v=0 answer\"}");
            assertEquals("answer", b.await("signal").get("kind").asText());
            for (int i = 0; i < 5; i++) {
                a.signal(b.peerId, "candidate", "{\"candidate\":\"c" + i + "\"}");
            }
            for (int i = 0; i < 5; i++) {
                assertEquals("c" + i, b.await("signal").at("/payload/candidate").asText(), "candidates keep their order");
            }

            b.send("{\"type\":\"leave\",\"id\":\"l1\",\"room\":\"" + room + "\"}");
            assertEquals("l1", b.await("left").get("re").asText());
            JsonNode memberLeft = a.await("member-left");
            assertEquals(b.peerId, memberLeft.get("peerId").asText());
            assertEquals("left", memberLeft.get("reason").asText());
            assertEquals(Set.of(a.peerId), redis.set(String.class).smembers(RedisKeys.room("demo", room)));
        }
    }

    @Test
    void aNormalCloseTellsTheRoomAtOnce() {
        String room = "close-" + System.nanoTime();
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            WsClient b = WsClient.hello(endpoint(), ORIGIN, "demo");
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            a.await("joined");
            b.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            b.await("joined");
            a.await("member-joined");
            b.close();
            JsonNode left = a.await("member-left");
            assertEquals(b.peerId, left.get("peerId").asText());
            assertEquals("left", left.get("reason").asText());
            assertFalse(redis.key().exists(RedisKeys.peer(b.peerId)));
        }
    }

    @Test
    void pingIsAnsweredWithTheClientsTimestamp() {
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            a.send("{\"type\":\"ping\",\"id\":\"p\",\"ts\":12345}");
            JsonNode pong = a.await("pong");
            assertEquals(12345, pong.get("ts").asLong());
            assertEquals("p", pong.get("re").asText());
            assertTrue(Math.abs(pong.get("serverTime").asLong() - System.currentTimeMillis()) < 10_000);
        }
    }

    @Test
    void findWithoutDiscoveryIsAnExplicitNotAvailable() {
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            a.send("{\"type\":\"find\",\"id\":\"f\",\"asset\":\"" + "a".repeat(64) + "\"}");
            JsonNode error = a.await("error");
            assertEquals("not-available", error.get("code").asText());
            assertEquals("f", error.get("re").asText());
        }
    }

    @Test
    void aPeerCannotReachAPeerOfAnotherSite() {
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo");
             WsClient other = WsClient.hello(endpoint(), "https://other.test", "other")) {
            a.signal(other.peerId, "offer", "{\"sdp\":\"x\"}");
            assertEquals("peer-unavailable", a.await("error").get("code").asText());
            other.signal(a.peerId, "offer", "{\"sdp\":\"x\"}");
            assertEquals("peer-unavailable", other.await("error").get("code").asText());
            String room = "shared-" + System.nanoTime();
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            other.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals(List.of(other.peerId), members(other.await("joined")), "same room name, separate sites");
            assertTrue(a.drain(Duration.ofMillis(500)).stream().noneMatch(m -> "member-joined".equals(m.path("type").asText())));
        }
    }

    @Test
    void metricsCountConnectionsMessagesByTypeAndErrorsByCode() {
        double pingsBefore = metric("c2c_signaling_messages_total{direction=\"in\",type=\"ping\"}");
        double badJsonBefore = metric("c2c_signaling_errors_total{code=\"bad-json\"}");
        try (WsClient a = WsClient.hello(endpoint(), ORIGIN, "demo")) {
            a.send("{\"type\":\"ping\"}");
            a.await("pong");
            a.send("{oops");
            a.await("error");
            assertTrue(metric("c2c_signaling_connections") >= 1);
            assertEquals(pingsBefore + 1, metric("c2c_signaling_messages_total{direction=\"in\",type=\"ping\"}"));
            assertEquals(badJsonBefore + 1, metric("c2c_signaling_errors_total{code=\"bad-json\"}"));
        }
        String body = io.restassured.RestAssured.given().get("/q/metrics").asString();
        assertTrue(body.contains("c2c_signaling_delivery_latency_seconds_bucket"), "latency histogram exported");
        assertTrue(body.contains("c2c_signaling_events_dropped_total"), "dropped events counter exported");
    }

    static double metric(String series) {
        for (String line : io.restassured.RestAssured.given().get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    static List<String> members(JsonNode joined) {
        return StreamSupport.stream(joined.get("members").spliterator(), false).map(JsonNode::asText)
                .collect(Collectors.toList());
    }
}
