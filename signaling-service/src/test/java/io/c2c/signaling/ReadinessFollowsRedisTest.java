package io.c2c.signaling;

import static io.restassured.RestAssured.given;

import io.c2c.testing.RedisServer;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Readiness really talks to Redis: it goes DOWN when Redis dies and UP again when it is back. */
@QuarkusTest
class ReadinessFollowsRedisTest {

    @Test
    void readinessTracksARedisOutage() {
        RedisServer redis = TestInfrastructure.redis();
        given().get("/q/health/ready").then().statusCode(200);
        try {
            redis.kill();
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> given().get("/q/health/ready").statusCode() == 503);
            // Liveness does not depend on Redis: restarting the pod would not bring Redis back.
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            redis.restart(Duration.ofSeconds(20));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }
}
