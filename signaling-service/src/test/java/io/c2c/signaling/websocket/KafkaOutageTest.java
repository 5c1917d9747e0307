package io.c2c.signaling.websocket;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.signaling.health.KafkaEventsCheck;
import io.c2c.signaling.support.PeerEvents;
import io.c2c.signaling.support.WsClient;
import io.c2c.testing.KafkaBroker;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Kafka stopped: signaling keeps working and stays ready, events wait in the buffer; Kafka
 * restarted: the events that waited are published.
 */
@QuarkusTest
class KafkaOutageTest {

    static final String CHECK = "checks.find { it.name == '" + KafkaEventsCheck.NAME + "' }";

    @TestHTTPResource("/")
    URL base;

    @Test
    void signalingSurvivesAKafkaOutageAndPublishesAfterwards() {
        KafkaBroker kafka = TestInfrastructure.kafka();
        String joinedDuringOutage;
        kafka.stop();
        try {
            try (WsClient a = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo");
                 WsClient b = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo")) {
                joinedDuringOutage = a.peerId;
                a.signal(b.peerId, "offer", "{\"sdp\":\"during outage\"}");
                assertEquals("during outage", b.await("signal").at("/payload/sdp").asText());
                given().get("/q/health/ready").then().statusCode(200)
                        .body("status", is("UP"))
                        .body(CHECK + ".status", is("UP"));
                int pending = given().get("/q/health/ready").then().extract().path(CHECK + ".data.pending");
                assertFalse(pending == 0, "events wait while Kafka is down");
            }
        } finally {
            kafka.restart(Duration.ofSeconds(60));
        }
        List<ConsumerRecord<String, PeerEvent>> joined = PeerEvents.await(kafka.bootstrapServers(),
                e -> e instanceof PeerJoined && e.peerId().equals(joinedDuringOutage), 1, Duration.ofSeconds(60));
        assertEquals(1, joined.size(), "the join during the outage reached Kafka after it");
        given().get("/q/health/ready").then().statusCode(200).body(CHECK + ".data.state", is("publishing"));
    }
}
