package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.routing.Envelope;
import io.c2c.signaling.routing.PodIdentity;
import io.c2c.signaling.routing.RedisKeys;
import io.c2c.signaling.support.WsClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same envelope published twice to a pod's real Redis inbox reaches the peer once. */
@QuarkusTest
class InboxDeduplicationTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    @Inject
    PodIdentity identity;

    @Test
    void aSecondCopyOfAnEnvelopeIsDropped() {
        try (WsClient client = WsClient.hello(WsClient.endpoint(base.getPort()), "http://demo.test", "demo")) {
            String body = "{\"type\":\"signal\",\"from\":\"" + "f".repeat(32) + "\",\"kind\":\"offer\",\"payload\":{\"n\":1}}";
            String envelope = Envelope.message("demo", client.peerId, System.currentTimeMillis() * 1000, 0,
                    "dedup." + System.nanoTime(), body).encode();
            redis.pubsub(String.class).publish(RedisKeys.inbox(identity.podId()), envelope);
            redis.pubsub(String.class).publish(RedisKeys.inbox(identity.podId()), envelope);
            List<JsonNode> got = client.drain(Duration.ofSeconds(2));
            assertEquals(1, got.stream().filter(m -> "signal".equals(m.path("type").asText())).count(), got.toString());
        }
    }
}
