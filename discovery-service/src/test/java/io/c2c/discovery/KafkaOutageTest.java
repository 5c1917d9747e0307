package io.c2c.discovery;

import static io.c2c.discovery.TestEvents.hash;
import static io.c2c.discovery.TestEvents.heartbeat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c2c.contracts.event.NetworkPosition;
import io.c2c.testing.KafkaBroker;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The broker dies: queries keep being answered from the index, marked stale after the bound (3 s
 * in the test profile), and peers are not evicted for a silence that is the broker's, not theirs.
 * The broker comes back with its data: the feed catches up and answers are fresh again.
 */
@QuarkusTest
class KafkaOutageTest {

    static final String A = hash('a');

    @Test
    void answersFromTheIndexWhileTheBrokerIsDownAndCatchesUpAfter() throws Exception {
        KafkaBroker kafka = TestInfrastructure.kafka();
        String site = "site-" + UUID.randomUUID();
        long before = 0;
        try (TestEvents events = new TestEvents(kafka.bootstrapServers())) {
            // p1 must be freshly heard when the broker dies (a slow start-up must not age its heartbeat
            // past the expiry first): heartbeat with a marker asset, wait until it is indexed, retry if that took long.
            for (int attempt = 0; attempt < 5; attempt++) {
                before = System.currentTimeMillis();
                String marker = hash((char) ('b' + attempt));
                events.send(heartbeat(site, "p1", before, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A, marker));
                awaitAnswer(site, marker, false, List.of("p1"));
                if (System.currentTimeMillis() < before + 3_500) {
                    break;
                }
            }
        }
        try {
            // Kill the broker shortly before p1's expiry (6 s) and before the staleness bound (3 s) could be
            // reached: the index must not take the broker's silence for p1's in the gap between the two.
            Thread.sleep(Math.max(0, before + 4_500 - System.currentTimeMillis()));
            System.out.println("KafkaOutageTest: p1 heard at " + before + ", broker killed at " + System.currentTimeMillis());
            kafka.kill();
            awaitAnswer(site, true, List.of("p1"));
            // Past the 6 s expiry since p1's heartbeat: still answered, eviction waits for the feed.
            long expiredAt = before + 7_000;
            Thread.sleep(Math.max(0, expiredAt - System.currentTimeMillis()));
            JsonPath during = query(site);
            assertEquals(List.of("p1"), during.getList("peers.peerId"));
            assertEquals(true, during.getBoolean("stale"));
        } finally {
            kafka.restart(Duration.ofSeconds(90));
        }
        try (TestEvents events = new TestEvents(kafka.bootstrapServers())) {
            long now = System.currentTimeMillis();
            events.send(heartbeat(site, "p1", now, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A));
            events.send(heartbeat(site, "p2", now, NetworkPosition.UNKNOWN, 0, 0, 50, 0, A));
        }
        awaitAnswer(site, false, List.of("p1", "p2"));
    }

    private static JsonPath query(String site) {
        return query(site, A);
    }

    private static JsonPath query(String site, String asset) {
        return given().get("/api/v1/sites/{site}/assets/{hash}/peers", site, asset).then().statusCode(200)
                .extract().jsonPath();
    }

    private static void awaitAnswer(String site, boolean stale, List<String> peers) {
        awaitAnswer(site, A, stale, peers);
    }

    private static void awaitAnswer(String site, String asset, boolean stale, List<String> peers) {
        String[] last = {"none"};
        try {
            Awaitility.await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonPath answer = query(site, asset);
                last[0] = answer.prettify() + " at " + System.currentTimeMillis();
                return answer.getBoolean("stale") == stale && answer.getList("peers.peerId").equals(peers);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("expected stale=" + stale + " peers=" + peers + "; last answer: " + last[0], e);
        }
    }
}
