package io.c2c.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The ordering rules of a sender whose same-pod signals do not wait for their writes. Pure logic (no
 * Quarkus, no connections): the races it guards against are too narrow to provoke reliably end to end.
 */
class SendOrderTest {

    final SendOrder order = new SendOrder();
    final Object targetB = new Object();
    final Object targetC = new Object();

    @Test
    void writesToOneConnectionGoDirectlyBackToBackAnotherConnectionWaitsUntilTheyAreSettled() {
        assertNull(order.settled(), "nothing unsettled: no wait");
        assertTrue(order.tryDirect(targetB));
        assertTrue(order.tryDirect(targetB), "the same connection keeps the order of its writes");
        assertFalse(order.tryDirect(targetC), "another connection could overtake a write still in flight");
        Uni<Void> wait = order.settled();
        assertNotNull(wait);
        AtomicBoolean resumed = new AtomicBoolean();
        wait.subscribe().with(ok -> resumed.set(true));
        order.written();
        assertFalse(resumed.get(), "one write is still unsettled");
        order.written();
        assertTrue(resumed.get(), "every earlier write settled");
        assertNull(order.settled());
        assertTrue(order.tryDirect(targetC), "nothing unsettled: any connection");
    }

    @Test
    void fallbacksRunOneAfterTheOtherInTheOrderTheWritesFailedAndHoldBackEverythingElse() {
        List<String> log = new ArrayList<>();
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        assertTrue(order.tryDirect(targetB));
        assertTrue(order.tryDirect(targetB));
        order.failed(() -> {
            log.add("fallback 1");
            return Uni.createFrom().completionStage(first);
        });
        order.failed(() -> {
            log.add("fallback 2");
            return Uni.createFrom().completionStage(second);
        });
        assertEquals(List.of("fallback 1"), log, "the second fallback waits for the first");
        assertFalse(order.tryDirect(targetB), "no direct write while a fallback runs: it could overtake it");
        AtomicBoolean resumed = new AtomicBoolean();
        order.settled().subscribe().with(ok -> resumed.set(true));
        first.complete(null);
        assertEquals(List.of("fallback 1", "fallback 2"), log);
        assertFalse(resumed.get());
        second.completeExceptionally(new IllegalStateException("Redis down"));
        assertTrue(resumed.get(), "a failed fallback settles its write too");
        assertTrue(order.tryDirect(targetC));
        assertEquals(1, order.unsettled());
    }

    @Test
    void aFallbackThatThrowsStillSettlesItsWrite() {
        assertTrue(order.tryDirect(targetB));
        order.failed(() -> {
            throw new IllegalStateException("no envelope");
        });
        assertEquals(0, order.unsettled());
        assertNull(order.settled());
    }

    @Test
    void routedSignalsGoWithoutWaitingUpToTheBoundAndHoldBackDirectWrites() {
        assertTrue(order.tryRoute(2));
        assertTrue(order.tryRoute(2), "routed signals keep their order in the route queue: no wait");
        assertFalse(order.tryRoute(2), "the bound: the next one waits for its own outcome");
        assertEquals(2, order.routing());
        assertFalse(order.tryDirect(targetB), "a direct write would skip the route queue");
        assertNull(order.settled(), "routed signals do not hold back the waiting path, which queues behind them");
        order.routed();
        assertFalse(order.tryDirect(targetB), "one routed signal still unanswered");
        assertTrue(order.tryRoute(2));
        order.routed();
        order.routed();
        assertEquals(0, order.routing());
        assertTrue(order.tryDirect(targetB), "every routed signal answered");
    }

    @Test
    void aDirectWriteInFlightHoldsBackRoutedSignals() {
        assertTrue(order.tryDirect(targetB));
        assertFalse(order.tryRoute(64), "the routed signal could reach the target first");
        order.written();
        assertTrue(order.tryRoute(64));
    }
}
