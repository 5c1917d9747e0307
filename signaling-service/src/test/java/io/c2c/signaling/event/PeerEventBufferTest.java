package io.c2c.signaling.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.signaling.config.SignalingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** Acknowledges every send a few milliseconds later, as a reachable broker does. */
    @jakarta.enterprise.inject.Vetoed
    static final class AckingPublisher extends PeerEventPublisher {
        private final ScheduledExecutorService broker;
        private final List<PeerEvent> sent;

        AckingPublisher(ScheduledExecutorService broker, List<PeerEvent> sent) {
            super(null);
            this.broker = broker;
            this.sent = sent;
        }

        @Override
        public CompletionStage<Void> publish(PeerEvent event) {
            sent.add(event);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            broker.schedule(() -> ack.complete(null), 5, TimeUnit.MILLISECONDS);
            return ack;
        }
    }

    static SignalingConfig config(int bufferSize, int inFlight) {
        return (SignalingConfig) Proxy.newProxyInstance(SignalingConfig.class.getClassLoader(), new Class<?>[] {SignalingConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "eventBufferSize" -> bufferSize;
                    case "eventMaxInFlight" -> inFlight;
                    case "eventShutdownFlushTimeout" -> Duration.ofSeconds(2);
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

    static double droppedAtShutdown(SimpleMeterRegistry registry) {
        return registry.get("c2c.signaling.events.dropped").tag("reason", "shutdown").counter().count();
    }

    @Test
    void atShutdownWhatKafkaDoesNotTakeWithinTheFlushTimeoutIsDroppedAndNothingMoreIsSent() {
        HeldPublisher publisher = new HeldPublisher();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PeerEventBuffer buffer = new PeerEventBuffer(publisher, config(10, 1), registry);
        for (int i = 0; i < 4; i++) {
            assertTrue(buffer.offer(event(i)));
        }

        long start = System.nanoTime();
        assertEquals(4, buffer.flushAndClose(Duration.ofMillis(300)), "three waiting, one never acknowledged");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 250 && took < 5000, "waited about the flush timeout: " + took + " ms");
        assertEquals(4.0, droppedAtShutdown(registry));

        // the send the producer still holds completes after the deadline: no queued event follows it
        publisher.pending.get(0).completeExceptionally(new IllegalStateException("broker gone"));
        assertFalse(buffer.offer(event(9)), "after the flush every event is dropped");
        assertEquals(List.of(event(0)), publisher.sent, "the publisher is not called after the deadline");
        assertEquals(5.0, droppedAtShutdown(registry));
        assertEquals(5, buffer.dropped(), "the late failure is not counted a second time");
        assertEquals(0, buffer.pending());
    }

    @Test
    void atShutdownWhileKafkaIsFailingNothingWaits() {
        HeldPublisher publisher = new HeldPublisher();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PeerEventBuffer buffer = new PeerEventBuffer(publisher, config(10, 1), registry);
        buffer.offer(event(0));
        buffer.offer(event(1));
        buffer.offer(event(2));
        publisher.pending.get(0).completeExceptionally(new IllegalStateException("broker gone")); // event 1 goes out

        long start = System.nanoTime();
        assertEquals(2, buffer.flushAndClose(Duration.ofSeconds(30)), "event 1 in flight, event 2 waiting");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "no wait for a failing Kafka");
        assertEquals(2.0, droppedAtShutdown(registry));
        publisher.pending.get(1).completeExceptionally(new IllegalStateException("broker gone"));
        assertEquals(List.of(event(0), event(1)), publisher.sent);
    }

    @Test
    void atShutdownWhileKafkaAnswersTheWaitingEventsAreSent() {
        ScheduledExecutorService broker = Executors.newSingleThreadScheduledExecutor();
        try {
            List<PeerEvent> sent = Collections.synchronizedList(new ArrayList<>());
            PeerEventPublisher acking = new AckingPublisher(broker, sent);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            PeerEventBuffer buffer = new PeerEventBuffer(acking, config(100, 2), registry);
            for (int i = 0; i < 20; i++) {
                assertTrue(buffer.offer(event(i)));
            }
            assertEquals(0, buffer.flushAndClose(Duration.ofSeconds(30)), "nothing left to drop");
            assertEquals(0, buffer.pending());
            assertEquals(20, sent.size(), "every waiting event reached the broker");
            assertEquals(0.0, droppedAtShutdown(registry));
            assertEquals(20.0, registry.get("c2c.signaling.events.published").counter().count());
        } finally {
            broker.shutdownNow();
        }
    }

    /** Holds the first send; every later one is refused synchronously, as the emitter does while Kafka is down. */
    @jakarta.enterprise.inject.Vetoed
    static final class RefusingPublisher extends PeerEventPublisher {
        final CompletableFuture<Void> first = new CompletableFuture<>();
        final AtomicInteger calls = new AtomicInteger();

        RefusingPublisher() {
            super(null);
        }

        @Override
        public CompletionStage<Void> publish(PeerEvent event) {
            if (calls.getAndIncrement() == 0) {
                return first;
            }
            throw new IllegalStateException("emitter buffer exhausted");
        }
    }

    @Test
    void aFullQueueRefusedSynchronouslyDrainsWithoutDeepRecursion() throws Exception {
        RefusingPublisher publisher = new RefusingPublisher();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int waiting = 10_000;
        PeerEventBuffer buffer = new PeerEventBuffer(publisher, config(waiting, 1), registry);
        for (int i = 0; i <= waiting; i++) {
            assertTrue(buffer.offer(event(i)));
        }
        assertEquals(waiting + 1, buffer.pending());
        // the acknowledgement arrives on a thread with a small stack: a send-per-frame recursion overflows it
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread broker = new Thread(null, () -> {
            try {
                publisher.first.complete(null);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "small-stack-broker", 256 * 1024);
        broker.start();
        broker.join(30_000);
        assertNull(thrown.get());
        assertEquals(0, buffer.pending(), "every waiting event was settled, none stranded");
        assertEquals(waiting + 1, publisher.calls.get(), "each event handed to the producer once");
        assertEquals((double) waiting, registry.get("c2c.signaling.events.dropped").tag("reason", "send-failed").counter().count());
        assertEquals(1.0, registry.get("c2c.signaling.events.published").counter().count());
    }
}
