package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerReported;
import io.c2c.signaling.support.PeerEvents;
import io.c2c.signaling.support.WsClient;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code report} over a real WebSocket against real Redis and Kafka: an accepted report is counted and published
 * as {@link PeerReported} keyed by site; a repeat, a peer of another site, an unknown peer, the reporter itself,
 * an unknown reason and a flood are each refused or dropped as documented, and counted.
 */
@QuarkusTest
class ReportTest {

    static final String ORIGIN = "http://demo.test";

    @TestHTTPResource("/")
    URL base;

    URI endpoint() {
        return WsClient.endpoint(base.getPort());
    }

    @Test
    void aReportAboutAPeerOfTheSameSiteIsCountedAndPublishedAndEverythingElseIsBounded() {
        try (WsClient liar = WsClient.hello(endpoint(), ORIGIN, "demo");
             WsClient reporter = WsClient.hello(endpoint(), ORIGIN, "demo");
             WsClient elsewhere = WsClient.hello(endpoint(), "http://other.test", "other")) {
            double accepted = metric("accepted", "chunk-hash");
            double duplicate = metric("duplicate", "chunk-hash");
            double unknown = metric("unknown-peer", "protocol-violation");
            double limited = metric("limited", "chunk-length");

            reporter.send("{\"type\":\"report\",\"peerId\":\"" + liar.peerId + "\",\"reason\":\"chunk-hash\"}");
            // no answer on success: the next ping's pong comes first
            reporter.send("{\"type\":\"ping\",\"id\":\"p1\"}");
            assertEquals("p1", reporter.await("pong").get("re").asText());
            assertEquals(accepted + 1, metric("accepted", "chunk-hash"));
            List<ConsumerRecord<String, PeerEvent>> published = PeerEvents.await(TestInfrastructure.kafka().bootstrapServers(),
                    e -> e instanceof PeerReported r && r.peerId().equals(liar.peerId), 1, Duration.ofSeconds(20));
            assertEquals(1, published.size());
            PeerReported event = (PeerReported) published.get(0).value();
            assertEquals("demo", published.get(0).key());
            assertEquals(reporter.peerId, event.reporterId());
            assertEquals("chunk-hash", event.reason());

            // the same peer again: dropped silently, counted
            reporter.send("{\"type\":\"report\",\"peerId\":\"" + liar.peerId + "\",\"reason\":\"chunk-hash\"}");
            reporter.send("{\"type\":\"ping\",\"id\":\"p2\"}");
            assertEquals("p2", reporter.await("pong").get("re").asText());
            assertEquals(duplicate + 1, metric("duplicate", "chunk-hash"));

            // another site's peer and an unknown one get the same answer; nothing is published
            for (String target : List.of(elsewhere.peerId, "0".repeat(32))) {
                reporter.send("{\"type\":\"report\",\"id\":\"x\",\"peerId\":\"" + target + "\",\"reason\":\"protocol-violation\"}");
                JsonNode error = reporter.await("error");
                assertEquals("peer-unavailable", error.get("code").asText(), error.toString());
            }
            assertEquals(unknown + 2, metric("unknown-peer", "protocol-violation"));

            // malformed reports
            for (String bad : List.of(
                    "{\"type\":\"report\",\"peerId\":\"" + reporter.peerId + "\",\"reason\":\"chunk-hash\"}",
                    "{\"type\":\"report\",\"peerId\":\"" + liar.peerId + "\",\"reason\":\"rude\"}",
                    "{\"type\":\"report\",\"peerId\":\"" + liar.peerId + "\"}",
                    "{\"type\":\"report\",\"peerId\":\"ZZ\",\"reason\":\"chunk-hash\"}")) {
                reporter.send(bad);
                assertEquals("invalid-field", reporter.await("error").get("code").asText(), bad);
            }

            // the allowance: a burst of 5 (3 used above), then one per 10 s; beyond it reports are dropped silently.
            // 8 more quickly: at most 2 (+1 if the bucket refilled meanwhile) get an answer, the rest are dropped.
            for (int i = 1; i <= 8; i++) {
                reporter.send("{\"type\":\"report\",\"peerId\":\"" + String.format("%032x", i) + "\",\"reason\":\"chunk-length\"}");
            }
            reporter.send("{\"type\":\"ping\",\"id\":\"p3\"}");
            int answered = 0;
            for (JsonNode m = reporter.next(Duration.ofSeconds(10)); m != null; m = reporter.next(Duration.ofSeconds(10))) {
                if ("pong".equals(m.path("type").asText())) {
                    break;
                }
                assertEquals("peer-unavailable", m.path("code").asText(), m.toString());
                answered++;
            }
            assertTrue(answered >= 2 && answered <= 3, "answered " + answered);
            assertEquals(limited + 8 - answered, metric("limited", "chunk-length"));
        }
    }

    static double metric(String outcome, String reason) {
        return SignalingFlowTest.metric("c2c_signaling_reports_total{outcome=\"" + outcome + "\",reason=\"" + reason + "\"}");
    }
}
