package io.c2c.signaling.websocket;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c2c.signaling.routing.RedisKeys;
import io.c2c.signaling.support.WsClient;
import io.c2c.testing.RedisServer;
import io.c2c.testing.TestInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Redis restarted empty: during the outage requests get {@code internal}; afterwards the pod
 * recovers by itself, rebuilds presence and room membership from its live connections,
 * re-subscribes its inbox and routes signals again.
 */
@QuarkusTest
class RedisRestartTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    @Test
    void presenceIsRebuiltFromLiveConnectionsAfterRedisLostEverything() {
        RedisServer server = TestInfrastructure.redis();
        String room = "rebuild-" + System.nanoTime();
        try (WsClient a = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo");
             WsClient b = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo")) {
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            a.await("joined");
            b.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            b.await("joined");

            server.kill();
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> given().get("/q/health/ready").statusCode() == 503);
            // While Redis is gone, a request that needs it gets the documented `internal` error, and the
            // connection stays open.
            a.send("{\"type\":\"join\",\"id\":\"during-outage\",\"room\":\"outage-" + System.nanoTime() + "\"}");
            var error = a.await(m -> "error".equals(m.path("type").asText()), Duration.ofSeconds(15), "error");
            assertEquals("internal", error.path("code").asText(), error.toString());
            assertEquals("during-outage", error.path("re").asText(), error.toString());
            server.restart(Duration.ofSeconds(20));

            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> "c".equals(redis.hash(String.class).hget(RedisKeys.peer(a.peerId), "state"))
                            && redis.set(String.class).smembers(RedisKeys.room("demo", room)).equals(Set.of(a.peerId, b.peerId)));
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> given().get("/q/health/ready").statusCode() == 200);
            // signals flow again (inbox and scripts restored); the clients never reconnected
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                a.signal(b.peerId, "offer", "{\"sdp\":\"after\"}");
                assertEquals("after", b.await(m -> "signal".equals(m.path("type").asText()), Duration.ofSeconds(2), "signal")
                        .at("/payload/sdp").asText());
            });
        }
    }
}
