package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.testing.KafkaBroker;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * With Kafka down a registration is never acknowledged (503 problem within the write timeout) while reads keep
 * answering from the in-memory view; once Kafka is back, writes succeed and the view follows again, and a create
 * that got 503 and is retried with its Idempotency-Key makes exactly one site.
 */
@QuarkusTest
class RegistryKafkaOutageTest {

    @Inject
    SiteRegistry registry;

    @Test
    void writesFailClearlyDuringAnOutageAndResumeAfterIt() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.verifyByDns(key, Api.registerSite(key, domain, "https://origin.example.org"), domain);
        KafkaBroker kafka = TestInfrastructure.kafka();
        String retried = Api.freshDomain();
        Map<String, Object> retriedBody = Map.of("domains", List.of(retried), "origin", "https://retry.example");
        String idempotencyKey = UUID.randomUUID().toString();
        kafka.kill();
        try {
            // A client whose create timed out retries with the same Idempotency-Key (below, after the outage).
            as(key).header("Idempotency-Key", idempotencyKey).body(retriedBody).post("/api/v1/sites").then()
                    .statusCode(503);
            long started = System.nanoTime();
            as(key).body(Map.of("domains", List.of(Api.freshDomain()), "origin", "https://o.example"))
                    .post("/api/v1/sites").then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("type", equalTo("https://c2c.io/problems/registry-unavailable"));
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(15).toNanos(), "bounded by the write timeout");

            // Reads and host look-ups come from memory: no Kafka needed.
            as(key).get("/api/v1/sites/" + siteId).then().statusCode(200);
            assertTrue(registry.findByHost(domain).isPresent());
        } finally {
            kafka.restart(Duration.ofSeconds(60));
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                as(key).body(Map.of("domains", List.of(Api.freshDomain()), "origin", "https://o.example"))
                        .post("/api/v1/sites").then().extract().statusCode() == 201);

        // The retries after the outage: one site, and every later retry gets that same site back.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                as(key).header("Idempotency-Key", idempotencyKey).body(retriedBody).post("/api/v1/sites").then()
                        .extract().statusCode() == 201);
        String retriedId = as(key).header("Idempotency-Key", idempotencyKey).body(retriedBody).post("/api/v1/sites")
                .then().statusCode(201).header("Idempotent-Replayed", "true").extract().path("siteId");
        List<String> ids = as(key).get("/api/v1/sites").then().statusCode(200).extract().path("sites.siteId");
        List<List<String>> domains = as(key).get("/api/v1/sites").then().extract().path("sites.domains.name");
        assertEquals(1, domains.stream().filter(names -> names.contains(retried)).count(), domains.toString());
        assertTrue(ids.contains(retriedId));
    }
}
