package io.c2c.signaling.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.signaling.config.SignalingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The buffer's bookkeeping as pure logic, without Quarkus or Kafka (the real outage is in
 * KafkaOutageTest): a publisher whose acknowledgements the test completes by hand.
 */
class PeerEventBufferTest {

    /** Holds every send until the test acknowledges or fails it. Vetoed: not a CDI bean in @QuarkusTest runs. */
    @jakarta.enterprise.inject.Vetoed
    static final class HeldPublisher extends PeerEventPublisher {
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        final List<PeerEvent> sent = new ArrayList<>();

        HeldPublisher() {
            super(null);
        }

        @Override
        public synchronized CompletionStage<Void> publish(PeerEvent event) {
            sent.add(event);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            pending.add(ack);
            return ack;
        }
    }

    static SignalingConfig config(int bufferSize, int inFlight) {
        return (SignalingConfig) Proxy.newProxyInstance(SignalingConfig.class.getClassLoader(), new Class<?>[] {SignalingConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "eventBufferSize" -> bufferSize;
                    case "eventMaxInFlight" -> inFlight;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static PeerEvent event(int i) {
        return PeerLeft.of("site", "peer-" + i, 1000 + i, "closed");
    }

    @Test
    void boundedWhileKafkaDoesNotAnswerThenDrainsInOrder() {
        HeldPublisher publisher = new HeldPublisher();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PeerEventBuffer buffer = new PeerEventBuffer(publisher, config(2, 1), registry);

        assertTrue(buffer.offer(event(0)), "handed to the producer");
        assertTrue(buffer.offer(event(1)), "queued");
        assertTrue(buffer.offer(event(2)), "queued");
        assertFalse(buffer.offer(event(3)), "buffer full: dropped");
        assertEquals(3, buffer.pending());
        assertEquals(1, buffer.dropped());
        assertEquals(1.0, registry.get("c2c.signaling.events.dropped").tag("reason", "buffer-full").counter().count());

        publisher.pending.get(0).complete(null);
        publisher.pending.get(1).completeExceptionally(new IllegalStateException("broker gone"));
        publisher.pending.get(2).complete(null);
        assertEquals(List.of(event(0), event(1), event(2)), publisher.sent, "sent in order, one at a time");
        assertEquals(0, buffer.pending());
        assertEquals(2, buffer.dropped(), "the failed send is counted too");
        assertTrue(buffer.lastAckMillis() > 0);
        assertTrue(buffer.lastFailureMillis() > 0);
    }
}
