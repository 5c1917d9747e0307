package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.repository.SiteLog;
import io.c2c.signaling.site.service.Secrets;
import io.c2c.testing.RedisServer;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Kafka is the source of truth: a fresh view that reads the {@code sites} topic from the beginning (what a
 * restarted pod does) finds every owner and site written through the API, and keeps following new writes;
 * losing Redis changes nothing for the registry.
 */
@QuarkusTest
class RegistryDurabilityTest {

    @Inject
    SitesConfig config;

    @Inject
    SiteRegistry registry;

    @Test
    void aFreshViewRebuildsOwnersAndSitesFromKafkaAndFollowsNewWrites() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.verifyByDns(key, Api.registerSite(key, domain, "https://origin.example.org"), domain);
        SiteRecord written = registry.findById(siteId).orElseThrow();

        SiteLog restarted = new SiteLog(config, TestInfrastructure.kafka().bootstrapServers());
        restarted.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(restarted::loaded);
            assertEquals(Optional.of(written), restarted.store().site(siteId));
            assertEquals(siteId, restarted.store().siteByHost(domain).orElseThrow().siteId());
            assertTrue(restarted.store().ownerByKeyHash(Secrets.sha256Hex(key)).isPresent(),
                    "the owner (only its key hash) is durable too");

            String later = Api.registerSite(key, Api.freshDomain(), "https://origin.example.org");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> restarted.store().site(later).isPresent());

            as(key).delete("/api/v1/sites/" + later).then().statusCode(204);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> restarted.store().site(later).isEmpty());
        } finally {
            restarted.stop();
        }
    }

    @Test
    void registryGaugesAreExported() {
        Api.registerSite(Api.newOwner(), Api.freshDomain(), "https://origin.example.org");
        io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("c2c_sites_registered"))
                .body(org.hamcrest.Matchers.containsString("c2c_sites_registry_loaded 1.0"));
    }

    @Test
    void registrationsNeedNoRedis() {
        RedisServer redis = TestInfrastructure.redis();
        String key = Api.newOwner();
        redis.kill();
        try {
            String siteId = Api.registerSite(key, Api.freshDomain(), "https://origin.example.org");
            as(key).get("/api/v1/sites/" + siteId).then().statusCode(200).body("siteId", equalTo(siteId));
        } finally {
            redis.restart(Duration.ofSeconds(20));
        }
    }
}
