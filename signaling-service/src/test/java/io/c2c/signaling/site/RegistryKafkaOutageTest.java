package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.testing.KafkaBroker;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * With Kafka down a registration is never acknowledged (503 problem within the write timeout) while reads keep
 * answering from the in-memory view; once Kafka is back, writes succeed and the view follows again.
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
        kafka.kill();
        try {
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
    }
}
