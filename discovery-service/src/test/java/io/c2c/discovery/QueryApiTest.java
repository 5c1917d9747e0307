package io.c2c.discovery;

import static io.c2c.discovery.TestEvents.hash;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed or oversized query gets a clear problem response, never a 5xx or a hang. */
@QuarkusTest
class QueryApiTest {

    static final String A = hash('a');

    static Stream<Arguments> badSingleQueries() {
        return Stream.of(
                Arguments.of("uppercase hash", "/api/v1/sites/s1/assets/" + A.toUpperCase() + "/peers", "asset hash"),
                Arguments.of("short hash", "/api/v1/sites/s1/assets/abc/peers", "asset hash"),
                Arguments.of("limit zero", "/api/v1/sites/s1/assets/" + A + "/peers?limit=0", "limit"),
                Arguments.of("limit too big", "/api/v1/sites/s1/assets/" + A + "/peers?limit=51", "limit"),
                Arguments.of("limit not a number", "/api/v1/sites/s1/assets/" + A + "/peers?limit=ten", "limit"),
                Arguments.of("limit overflow", "/api/v1/sites/s1/assets/" + A + "/peers?limit=99999999999999", "limit"),
                Arguments.of("bad site id", "/api/v1/sites/s%20x/assets/" + A + "/peers", "siteId"),
                Arguments.of("long site id", "/api/v1/sites/" + "s".repeat(129) + "/assets/" + A + "/peers", "siteId"),
                Arguments.of("bad near", "/api/v1/sites/s1/assets/" + A + "/peers?near=a%2Fb", "near"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSingleQueries")
    void badSingleQueriesAreProblems(String name, String url, String mentions) {
        given().urlEncodingEnabled(false).get(url).then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", is(400))
                .body("detail", containsString(mentions));
    }

    static Stream<Arguments> badBatches() {
        return Stream.of(
                Arguments.of("not json", "{oops", "malformed"),
                Arguments.of("json array", "[1,2]", "malformed"),
                Arguments.of("no assets", "{\"near\":\"me\"}", "assets"),
                Arguments.of("empty assets", "{\"assets\":[]}", "assets"),
                Arguments.of("bad hash inside", "{\"assets\":[\"xyz\"]}", "asset hash"),
                Arguments.of("repeated hash", "{\"assets\":[\"" + A + "\",\"" + A + "\"]}", "repeat"),
                Arguments.of("too many", "{\"assets\":[" + String.join(",",
                        java.util.Collections.nCopies(65, "\"" + A + "\"")) + "]}", "assets"),
                Arguments.of("bad limit", "{\"limit\":-1,\"assets\":[\"" + A + "\"]}", "limit"),
                Arguments.of("bad near", "{\"near\":\"a b\",\"assets\":[\"" + A + "\"]}", "near"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBatches")
    void badBatchesAreProblems(String name, String body, String mentions) {
        given().contentType("application/json").body(body).post("/api/v1/sites/s1/peers/batch")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString(mentions));
    }

    @Test
    void oversizedBatchBodyIsRefused() {
        byte[] big = new byte[100 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        given().contentType("application/json").body(big).post("/api/v1/sites/s1/peers/batch")
                .then().statusCode(413);
    }

    @Test
    void unknownSiteOrAssetIsAnEmptyAnswer() {
        given().get("/api/v1/sites/never-seen/assets/{h}/peers?near=nobody&limit=5", A).then().statusCode(200)
                .body("peers.size()", is(0)).body("siteId", is("never-seen"));
    }

    @Test
    void randomBodiesNeverCauseServerErrors() {
        Random random = new Random(2026);
        String[] fragments = {"{", "}", "[", "]", "\"assets\"", ":", ",", "\"near\"", "\"limit\"", "null", "1e999",
                "-1", "\"" + A + "\"", "true", "\"\\u0000\"", "{\"assets\":[", "\"" + "z".repeat(300) + "\""};
        for (int i = 0; i < 200; i++) {
            StringBuilder body = new StringBuilder();
            int parts = random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                body.append(fragments[random.nextInt(fragments.length)]);
            }
            if (random.nextInt(5) == 0) {
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                body.append(new String(noise, StandardCharsets.ISO_8859_1));
            }
            given().contentType("application/json").body(body.toString().getBytes(StandardCharsets.ISO_8859_1))
                    .post("/api/v1/sites/s1/peers/batch").then().statusCode(lessThan(500));
        }
    }
}
