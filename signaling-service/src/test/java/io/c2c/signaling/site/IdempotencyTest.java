package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Idempotency-Key} on site creation against the real registry: a retry gets the same site, a different body
 * with the same key gets 422, keys are per owner, racing retries still make one site, a deleted site does not come
 * back. (The retry after a Kafka outage is in {@link RegistryKafkaOutageTest}, which owns the broker kill.)
 */
@QuarkusTest
class IdempotencyTest {

    private static ExtractableResponse<Response> create(String apiKey, String idempotencyKey, Object body) {
        var request = as(apiKey).body(body);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post("/api/v1/sites").then().extract();
    }

    private static long sitesWithDomain(String apiKey, String domain) {
        List<List<String>> domains = as(apiKey).get("/api/v1/sites").then().statusCode(200)
                .extract().path("sites.domains.name");
        return domains.stream().filter(names -> names.contains(domain)).count();
    }

    @Test
    void aRetryWithTheSameKeyAndBodyGetsTheSameSite() {
        String owner = Api.newOwner();
        String domain = Api.freshDomain();
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("domains", List.of(domain), "origin", "https://origin.example.org");
        ExtractableResponse<Response> first = create(owner, key, body);
        assertEquals(201, first.statusCode());
        assertEquals(null, first.header("Idempotent-Replayed"));
        ExtractableResponse<Response> retry = create(owner, key, body);
        assertEquals(201, retry.statusCode());
        assertEquals("true", retry.header("Idempotent-Replayed"));
        assertEquals(first.header("Location"), retry.header("Location"));
        assertEquals(first.<String>path("siteId"), retry.<String>path("siteId"));
        // the challenge tokens the owner may already have published are the same too
        assertEquals(first.<String>path("domains[0].challenge.token"),
                retry.<String>path("domains[0].challenge.token"));
        // the same request written differently (case, trailing slash of the origin) is the same request
        Map<String, Object> sameMeaning = Map.of("domains", List.of(domain.toUpperCase() + "."),
                "origin", "HTTPS://origin.example.org/");
        assertEquals(first.<String>path("siteId"), create(owner, key, sameMeaning).<String>path("siteId"));
        assertEquals(1, sitesWithDomain(owner, domain));
    }

    @Test
    void theSameKeyWithADifferentBodyIs422AndCreatesNothing() {
        String owner = Api.newOwner();
        String domain = Api.freshDomain();
        String other = Api.freshDomain();
        String key = "k-" + UUID.randomUUID();
        assertEquals(201, create(owner, key, Map.of("domains", List.of(domain), "origin", "https://o.example"))
                .statusCode());
        ExtractableResponse<Response> reused = create(owner, key,
                Map.of("domains", List.of(other), "origin", "https://o.example"));
        assertEquals(422, reused.statusCode());
        assertEquals("application/problem+json", reused.contentType());
        assertEquals("https://c2c.io/problems/idempotency-key-reused", reused.path("type"));
        assertEquals(0, sitesWithDomain(owner, other));
        // an invalid body is reported as such, key or not
        assertEquals(400, create(owner, key, Map.of("domains", List.of("not a domain"), "origin", "ftp://x"))
                .statusCode());
    }

    @Test
    void keysAreScopedToTheOwner() {
        String alice = Api.newOwner();
        String bob = Api.newOwner();
        String key = UUID.randomUUID().toString();
        String aliceSite = create(alice, key, Map.of("domains", List.of(Api.freshDomain()), "origin",
                "https://a.example")).path("siteId");
        ExtractableResponse<Response> bobs = create(bob, key, Map.of("domains", List.of(Api.freshDomain()),
                "origin", "https://b.example"));
        assertEquals(201, bobs.statusCode());
        assertNotEquals(aliceSite, bobs.<String>path("siteId"));
        assertEquals(null, bobs.header("Idempotent-Replayed"));
        as(bob).get("/api/v1/sites/" + aliceSite).then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "tab\there", "caf\u00e9", "a,b c"})
    void malformedKeysAre400(String key) {
        String owner = Api.newOwner();
        as(owner).header("Idempotency-Key", key)
                .body(Map.of("domains", List.of(Api.freshDomain()), "origin", "https://o.example"))
                .post("/api/v1/sites").then().statusCode(400).body("errors[0].field", equalTo("Idempotency-Key"));
    }

    @Test
    void anOverlongKeyIs400AndTheLongestAllowedWorks() {
        String owner = Api.newOwner();
        assertEquals(400, create(owner, "k".repeat(256), Map.of("domains", List.of(Api.freshDomain()),
                "origin", "https://o.example")).statusCode());
        assertEquals(201, create(owner, "k".repeat(255), Map.of("domains", List.of(Api.freshDomain()),
                "origin", "https://o.example")).statusCode());
    }

    @Test
    void racingRetriesMakeOneSite() throws Exception {
        String owner = Api.newOwner();
        String domain = Api.freshDomain();
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("domains", List.of(domain), "origin", "https://race.example");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<ExtractableResponse<Response>>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(pool.submit(() -> create(owner, key, body)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<ExtractableResponse<Response>> answer : answers) {
                ExtractableResponse<Response> response = answer.get(60, TimeUnit.SECONDS);
                assertEquals(201, response.statusCode(), response.asString());
                ids.add(response.path("siteId"));
            }
            assertEquals(1, ids.size(), ids.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, sitesWithDomain(owner, domain));
    }

    @Test
    void aDeletedSiteDoesNotComeBackOnALateRetry() {
        String owner = Api.newOwner();
        String domain = Api.freshDomain();
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("domains", List.of(domain), "origin", "https://gone.example");
        String siteId = create(owner, key, body).path("siteId");
        as(owner).delete("/api/v1/sites/" + siteId).then().statusCode(204);
        ExtractableResponse<Response> late = create(owner, key, body);
        assertEquals(409, late.statusCode());
        assertEquals(0, sitesWithDomain(owner, domain));
        // without a key nothing changes: every POST creates
        as(owner).body(body).post("/api/v1/sites").then().statusCode(201).header("Idempotent-Replayed", nullValue());
    }

    @Test
    void theOpenApiDocumentDescribesTheHeader() {
        io.restassured.RestAssured.given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/sites'.post.parameters.find { it.name == 'Idempotency-Key' }.in",
                        equalTo("header"))
                .body("paths.'/api/v1/sites'.post.responses.'422'.description",
                        equalTo("Idempotency-Key already used with a different request"));
    }
}
