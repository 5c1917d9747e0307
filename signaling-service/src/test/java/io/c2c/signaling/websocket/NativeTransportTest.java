package io.c2c.signaling.websocket;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The pod's event loops run on Netty's native epoll transport where the platform has it: NIO works too, at
 * about 10 % more CPU per relayed signal (docs/benchmarks.md), so losing the dependency or the setting must
 * not go unnoticed.
 */
@QuarkusTest
class NativeTransportTest {

    @Inject
    Vertx vertx;

    @Test
    void theEventLoopsUseNativeEpoll() {
        assumeTrue(Epoll.isAvailable(), () -> "native epoll unavailable here: " + Epoll.unavailabilityCause());
        assertTrue(vertx.isNativeTransportEnabled(), "Vert.x runs on native epoll (quarkus.vertx.prefer-native-transport)");
    }
}
