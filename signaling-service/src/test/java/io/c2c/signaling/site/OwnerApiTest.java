package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.http.ContentType;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The owner API end to end on the real app, Kafka behind it: accounts, CRUD, isolation, validation, problems. */
@QuarkusTest
class OwnerApiTest {

    private static final String ORIGIN = "https://origin.example.org";

    @Test
    void ownerGetsAnApiKeyOnceAndItAuthenticates() {
        Map<String, Object> created = given().contentType(ContentType.JSON).body(Map.of("name", "Ada"))
                .post("/api/v1/owners").then().statusCode(201)
                .body("apiKey", matchesPattern("c2c_[A-Za-z0-9_-]{43}"))
                .body("ownerId", matchesPattern("[0-9a-f]{32}"))
                .extract().as(Map.class);

        as((String) created.get("apiKey")).get("/api/v1/owners/me").then().statusCode(200)
                .body("ownerId", equalTo(created.get("ownerId")))
                .body("name", equalTo("Ada"))
                .body("apiKey", nullValue());
    }

    @Test
    void aRotatedKeyReplacesTheOldOneAtOnceAndKeepsTheSites() {
        String oldKey = Api.newOwner();
        String siteId = Api.registerSite(oldKey, Api.freshDomain(), ORIGIN);
        String ownerId = as(oldKey).get("/api/v1/owners/me").then().statusCode(200).extract().path("ownerId");

        String newKey = as(oldKey).post("/api/v1/owners/me/key").then().statusCode(200)
                .body("ownerId", equalTo(ownerId))
                .body("apiKey", matchesPattern("c2c_[A-Za-z0-9_-]{43}"))
                .extract().path("apiKey");

        as(oldKey).get("/api/v1/owners/me").then().statusCode(401);
        as(oldKey).post("/api/v1/owners/me/key").then().statusCode(401);
        as(newKey).get("/api/v1/owners/me").then().statusCode(200).body("ownerId", equalTo(ownerId));
        as(newKey).get("/api/v1/sites/" + siteId).then().statusCode(200);
    }

    @Test
    void missingMalformedOrUnknownKeysGet401Problems() {
        given().get("/api/v1/sites").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", is(401)).body("type", containsString("unauthorized"));
        given().header("Authorization", "Basic abc").get("/api/v1/sites").then().statusCode(401);
        given().header("Authorization", "Bearer c2c_" + "A".repeat(43)).get("/api/v1/sites").then().statusCode(401);
        given().header("Authorization", "Bearer " + "x".repeat(5000)).get("/api/v1/sites").then().statusCode(401);
    }

    @Test
    void registerReadUpdateListAndDelete() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.register(key, List.of(domain.toUpperCase() + "."), ORIGIN + "/").statusCode(201)
                .header("Location", containsString("/api/v1/sites/"))
                .body("domains[0].name", equalTo(domain))
                .body("domains[0].verified", is(false))
                .body("domains[0].challenge.token", matchesPattern("[A-Za-z0-9_-]{43}"))
                .body("domains[0].challenge.dnsName", equalTo("_c2c-challenge." + domain))
                .body("origin", equalTo(ORIGIN))
                .body("settings.p2pEnabled", is(true))
                .body("revision", is(1))
                .extract().path("siteId");

        // Read-your-write on the same pod, right after the 201.
        as(key).get("/api/v1/sites/" + siteId).then().statusCode(200).body("siteId", equalTo(siteId));

        String token = Api.challenge(key, siteId, domain);
        String added = Api.freshDomain();
        as(key).body(Map.of("domains", List.of(domain, added), "origin", "http://origin2.example.org:8080/base",
                        "settings", Map.of("p2pEnabled", false, "uploadCapBytesPerSecond", 1000,
                                "allowedPaths", List.of("/static/"), "globalPrivacyControl", "origin-only")))
                .put("/api/v1/sites/" + siteId).then().statusCode(200)
                .body("revision", is(2))
                .body("origin", equalTo("http://origin2.example.org:8080/base"))
                .body("settings.p2pEnabled", is(false))
                .body("settings.uploadCapBytesPerSecond", is(1000))
                .body("settings.allowedPaths", equalTo(List.of("/static/")))
                .body("settings.globalPrivacyControl", equalTo("origin-only"))
                .body("domains.name", equalTo(List.of(domain, added)))
                .body("domains[0].challenge.token", equalTo(token));

        as(key).get("/api/v1/sites").then().statusCode(200).body("sites.siteId", equalTo(List.of(siteId)));

        as(key).delete("/api/v1/sites/" + siteId).then().statusCode(204);
        as(key).get("/api/v1/sites/" + siteId).then().statusCode(404).contentType("application/problem+json");
        as(key).get("/api/v1/sites").then().statusCode(200).body("sites", empty());
    }

    @Test
    void anOwnerCanNeverSeeOrChangeAnotherOwnersSite() {
        String alice = Api.newOwner();
        String mallory = Api.newOwner();
        String siteId = Api.registerSite(alice, Api.freshDomain(), ORIGIN);
        Map<String, Object> body = Map.of("domains", List.of(Api.freshDomain()), "origin", "https://evil.example.org");

        as(mallory).get("/api/v1/sites/" + siteId).then().statusCode(404);
        as(mallory).body(body).put("/api/v1/sites/" + siteId).then().statusCode(404);
        as(mallory).delete("/api/v1/sites/" + siteId).then().statusCode(404);
        as(mallory).post("/api/v1/sites/" + siteId + "/verify").then().statusCode(404);
        as(mallory).body(Map.of()).post("/api/v1/sites/" + siteId + "/collect").then().statusCode(404);
        as(mallory).post("/api/v1/sites/" + siteId + "/webhook").then().statusCode(404);
        as(mallory).get("/api/v1/sites/" + siteId + "/manifests").then().statusCode(404);
        as(mallory).get("/api/v1/sites").then().statusCode(200).body("sites.siteId", not(hasItem(siteId)));

        // Unchanged for its owner.
        as(alice).get("/api/v1/sites/" + siteId).then().statusCode(200).body("origin", equalTo(ORIGIN))
                .body("revision", is(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"domains\":[],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"*.example.com\"],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"192.168.1.1\"],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"[::1]\"],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"localhost\"],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"a..b.example\"],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"www.example.com:8080\"],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"under_score.example\"],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"a.example\",\"A.example\"],\"origin\":\"https://o.example\"}",
        "{\"domains\":[\"a.example\"],\"origin\":\"ftp://o.example\"}",
        "{\"domains\":[\"a.example\"],\"origin\":\"javascript:alert(1)\"}",
        "{\"domains\":[\"a.example\"],\"origin\":\"https://user:pw@o.example\"}",
        "{\"domains\":[\"a.example\"],\"origin\":\"https://o.example/?q=1\"}",
        "{\"domains\":[\"a.example\"]}",
        "{\"domains\":[\"a.example\"],\"origin\":\"https://o.example\",\"settings\":{\"uploadCapBytesPerSecond\":-1}}",
        "{\"domains\":[\"a.example\"],\"origin\":\"https://o.example\",\"settings\":{\"allowedPaths\":[\"../etc\"]}}",
        "{\"domains\":[\"a.example\"],\"origin\":\"https://o.example\",\"settings\":{\"maxP2pFileBytes\":99999999999999}}",
        "{\"domains\":[\"a.example\"],\"origin\":\"https://o.example\",\"settings\":{\"globalPrivacyControl\":\"sometimes\"}}",
        "{\"domains\":[\"a.example\"],\"origin\":\"https://o.example\",\"settings\":{\"globalPrivacyControl\":\"IGNORE\"}}"
    })
    void invalidSitesGet400ProblemsNamingTheField(String json) {
        String key = Api.newOwner();
        as(key).body(json).post("/api/v1/sites").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", containsString("invalid-request"))
                .body("errors", not(empty()))
                .body("errors[0].field", not(nullValue()));
        as(key).get("/api/v1/sites").then().body("sites", empty());
    }

    @Test
    void internationalizedDomainsAreStoredInPunycode() {
        String key = Api.newOwner();
        String unique = Long.toString(System.nanoTime(), 36);
        Api.register(key, List.of("bücher-" + unique + ".example"), ORIGIN).statusCode(201)
                .body("domains[0].name", startsWith("xn--bcher-"))
                .body("domains[0].name", equalTo(java.net.IDN.toASCII("bücher-" + unique) + ".example"));
    }

    @Test
    void malformedJsonOversizedBodiesAndTooManyDomainsAreRejected() {
        String key = Api.newOwner();
        as(key).body("{\"domains\": [").post("/api/v1/sites").then().statusCode(400)
                .contentType("application/problem+json").body("type", containsString("malformed-json"));
        as(key).body("{\"domains\": \"not-a-list\", \"origin\": 5}").post("/api/v1/sites").then().statusCode(400)
                .contentType("application/problem+json");
        as(key).body("{\"domains\":[\"a.example\"],\"origin\":\"https://o.example\",\"pad\":\"" + "x".repeat(70_000)
                + "\"}").post("/api/v1/sites").then().statusCode(413).contentType("application/problem+json");
        List<String> many = java.util.stream.IntStream.range(0, 21).mapToObj(i -> "d" + i + ".example").toList();
        Api.register(key, many, ORIGIN).statusCode(400).body("errors[0].field", equalTo("domains"));
        given().contentType(ContentType.JSON).body(Map.of("name", "")).post("/api/v1/owners").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("name", "x".repeat(201))).post("/api/v1/owners").then()
                .statusCode(400);
    }

    @Test
    void theOwnerApiIsServedOnlyOnThePlatformsApiHosts() {
        String key = Api.newOwner();
        given().header("Host", "www.customer.example").header("Authorization", "Bearer " + key)
                .get("/api/v1/sites").then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("not served on this host"));
        given().header("Host", "127.0.0.1").header("Authorization", "Bearer " + key)
                .get("/api/v1/sites").then().statusCode(200);
    }

    @Test
    void theSameDomainTwiceInOnesOwnSitesIsAConflict() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        Api.registerSite(key, domain, ORIGIN);
        Api.register(key, List.of(domain), ORIGIN).statusCode(409).contentType("application/problem+json");
    }

    @Test
    void openApiDescribesTheOwnerApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/sites'.post.summary", equalTo("Register a site"))
                .body("paths.'/api/v1/sites/{siteId}/verify'.post", not(nullValue()))
                .body("paths.'/api/v1/owners'.post", not(nullValue()))
                .body("components.securitySchemes.apiKey.scheme", equalTo("bearer"))
                .body("components.schemas.Problem.properties.status", not(nullValue()))
                .body("paths.'/api/v1/hooks/sites/{siteId}/collect'.post.responses.'401'", not(nullValue()));
        given().get("/q/openapi?format=json").then().body("tags.name", hasSize(org.hamcrest.Matchers.greaterThan(0)));
    }

    /** Fuzz-style: mutated request bodies never crash the API (every answer is 201, 400, 409 or 413, never 5xx). */
    @Test
    void mutatedBodiesGetClearAnswersNeverServerErrors() {
        String key = Api.newOwner();
        String valid = "{\"domains\":[\"www.fuzz.example\"],\"origin\":\"https://o.example\","
                + "\"settings\":{\"p2pEnabled\":true,\"uploadCapBytesPerSecond\":1000,\"allowedPaths\":[\"/a\"]}}";
        String[] inserts = {"\u0000", "\"", "{", "}", "[", "]", ",", ":", "-1", "1e309", "null", "true", "\\u0000",
            "\u00fc", "..", "*", "%2e", "\n", "9999999999999999999999"};
        java.util.Random random = new java.util.Random(1234);
        java.util.Set<Integer> statuses = new java.util.TreeSet<>();
        for (int i = 0; i < 150; i++) {
            StringBuilder body = new StringBuilder(valid);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(body.length());
                if (random.nextBoolean()) {
                    body.insert(at, inserts[random.nextInt(inserts.length)]);
                } else {
                    body.deleteCharAt(at);
                }
            }
            int status = as(key).body(body.toString()).post("/api/v1/sites").then().extract().statusCode();
            statuses.add(status);
            org.junit.jupiter.api.Assertions.assertTrue(status == 201 || status == 400 || status == 409
                    || status == 413, "status " + status + " for " + body);
        }
        org.junit.jupiter.api.Assertions.assertTrue(statuses.contains(400), "the mutations must hit errors");
    }
}
