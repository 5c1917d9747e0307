package io.c2c.signaling.site;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small helpers for calling the owner API in tests. */
final class Api {

    private Api() {
    }

    /** Creates an owner and returns its API key. */
    static String newOwner() {
        return given().contentType(ContentType.JSON).body(Map.of("name", "owner " + UUID.randomUUID()))
                .post("/api/v1/owners").then().statusCode(201).extract().path("apiKey");
    }

    static RequestSpecification as(String apiKey) {
        return given().header("Authorization", "Bearer " + apiKey).contentType(ContentType.JSON);
    }

    /** A domain nobody has used in this JVM yet. */
    static String freshDomain() {
        return "www.t" + UUID.randomUUID().toString().substring(0, 12) + ".example";
    }

    static ValidatableResponse register(String apiKey, List<String> domains, String origin) {
        return as(apiKey).body(Map.of("domains", domains, "origin", origin)).post("/api/v1/sites").then();
    }

    /** Registers a one-domain site and returns its id. */
    static String registerSite(String apiKey, String domain, String origin) {
        return register(apiKey, List.of(domain), origin).statusCode(201).extract().path("siteId");
    }

    static String challenge(String apiKey, String siteId, String domain) {
        List<Map<String, Object>> domains = as(apiKey).get("/api/v1/sites/" + siteId).then().statusCode(200)
                .extract().path("domains");
        for (Map<String, Object> d : domains) {
            if (domain.equals(d.get("name"))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> challenge = (Map<String, Object>) d.get("challenge");
                return (String) challenge.get("token");
            }
        }
        throw new AssertionError("no domain " + domain + " in site " + siteId);
    }

    /** Publishes the site's token in the test DNS server and verifies; returns the site id for chaining. */
    static String verifyByDns(String apiKey, String siteId, String domain) {
        SitesTestResource.dns().txt("_c2c-challenge." + domain, challenge(apiKey, siteId, domain));
        as(apiKey).post("/api/v1/sites/" + siteId + "/verify").then().statusCode(200);
        return siteId;
    }
}
