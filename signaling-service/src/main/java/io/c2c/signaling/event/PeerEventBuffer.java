package io.c2c.signaling.event;

import io.c2c.contracts.event.PeerEvent;
import io.c2c.signaling.config.SignalingConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Decouples signaling from Kafka: peer events wait here (bounded) while the producer has
 * {@code event-max-in-flight} events unacknowledged; when the buffer is full the event is dropped
 * and counted. Peer events are soft state (heartbeats re-send everything), so dropping is safer
 * than blocking a WebSocket thread or growing without limit.
 *
 * <p>At shutdown the waiting events get {@code event-shutdown-flush-timeout} to reach Kafka (none when
 * the last send failed); what is left is dropped and counted, and nothing more is handed to the
 * producer, whose sends to an unreachable broker would each hold its single sending thread for
 * {@code max.block.ms} and keep the pod from exiting.
 */
@ApplicationScoped
public class PeerEventBuffer {

    private static final Logger LOG = Logger.getLogger(PeerEventBuffer.class);

    private final PeerEventPublisher publisher;
    private final int capacity;
    private final int maxInFlight;
    private final Deque<PeerEvent> queue = new ArrayDeque<>();
    private final Counter droppedFull;
    private final Counter droppedFailed;
    private final Counter droppedShutdown;
    private final Duration shutdownFlushTimeout;
    private final Counter published;
    private final AtomicLong lastAckMillis = new AtomicLong();
    private final AtomicLong lastFailureMillis = new AtomicLong();
    private volatile String lastFailure;
    private int inFlight;
    /** Set at shutdown once the flush is over: events are no longer handed to the producer. */
    private boolean closed;

    public PeerEventBuffer(PeerEventPublisher publisher, SignalingConfig config, MeterRegistry registry) {
        this.publisher = publisher;
        this.capacity = config.eventBufferSize();
        this.maxInFlight = config.eventMaxInFlight();
        this.shutdownFlushTimeout = config.eventShutdownFlushTimeout();
        this.droppedFull = Counter.builder("c2c.signaling.events.dropped").tag("reason", "buffer-full")
                .description("peer events dropped").register(registry);
        this.droppedFailed = Counter.builder("c2c.signaling.events.dropped").tag("reason", "send-failed")
                .description("peer events dropped").register(registry);
        this.droppedShutdown = Counter.builder("c2c.signaling.events.dropped").tag("reason", "shutdown")
                .description("peer events dropped").register(registry);
        this.published = Counter.builder("c2c.signaling.events.published")
                .description("peer events acknowledged by Kafka").register(registry);
        Gauge.builder("c2c.signaling.events.buffered", this, PeerEventBuffer::pending)
                .description("peer events waiting or in flight").register(registry);
    }

    /** Queues an event; never blocks. Returns false when it was dropped. */
    public boolean offer(PeerEvent event) {
        synchronized (this) {
            if (closed) {
                droppedShutdown.increment();
                return false;
            }
            if (inFlight >= maxInFlight) {
                if (queue.size() >= capacity) {
                    droppedFull.increment();
                    return false;
                }
                queue.addLast(event);
                return true;
            }
            inFlight++;
        }
        send(event);
        return true;
    }

    /**
     * Sends {@code first} and then whatever waits, one at a time. A send that ends before this method
     * regains control (the emitter refuses synchronously while Kafka is down) is settled in this loop, not
     * by a nested call: with a full queue that would be thousands of frames deep, and a stack overflow
     * inside a completion callback is swallowed by the future, which would strand the queue.
     */
    private void send(PeerEvent first) {
        PeerEvent event = first;
        while (event != null) {
            CompletionStage<Void> outcome;
            try {
                outcome = publisher.publish(event);
            } catch (RuntimeException e) {
                // the emitter refuses synchronously when its own buffer is exhausted
                outcome = CompletableFuture.failedFuture(e);
            }
            SendOutcome watched = new SendOutcome();
            outcome.whenComplete((ok, failure) -> {
                if (watched.endedSynchronously(failure)) {
                    return;
                }
                PeerEvent next = completed(failure);
                if (next != null) {
                    send(next);
                }
            });
            if (!watched.returned()) {
                return; // the callback settles it later
            }
            event = completed(watched.failure);
        }
    }

    /** Tells whether a send's outcome came before {@link #send} returned from registering its callback. */
    private static final class SendOutcome {
        private static final int PENDING = 0;
        private static final int RETURNED = 1;
        private static final int ENDED = 2;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        private Throwable failure;

        /** Called by the outcome's callback: true when the sender's loop will settle it. */
        boolean endedSynchronously(Throwable failure) {
            this.failure = failure;
            return state.compareAndSet(PENDING, ENDED);
        }

        /** Called by the sender after registering: true when the outcome is already there (it settles it). */
        boolean returned() {
            return !state.compareAndSet(PENDING, RETURNED);
        }
    }

    /**
     * One send ended: count it (unless it was already counted as dropped at shutdown).
     *
     * @return the next event to send, or null (the in-flight slot is then freed)
     */
    private PeerEvent completed(Throwable failure) {
        PeerEvent next;
        synchronized (this) {
            if (!closed) {
                if (failure == null) {
                    published.increment();
                    lastAckMillis.set(System.currentTimeMillis());
                } else {
                    failed(failure);
                }
            }
            next = closed ? null : queue.pollFirst();
            notifyAll(); // a flush at shutdown waits for the buffer to empty
            if (next == null) {
                inFlight--;
            }
        }
        return next;
    }

    private void failed(Throwable failure) {
        droppedFailed.increment();
        lastFailureMillis.set(System.currentTimeMillis());
        if (lastFailure == null) {
            LOG.warnf("peer event not published (Kafka unreachable?): %s", failure.getMessage());
        }
        lastFailure = String.valueOf(failure.getMessage());
    }

    /**
     * Runs after the connections were drained (SessionService observes with priority 1) and before the
     * messaging connector closes the producer (when the application scope is destroyed).
     */
    void onShutdown(@Observes @Priority(100) ShutdownEvent event) {
        flushAndClose(shutdownFlushTimeout);
    }

    /**
     * Waits at most {@code timeout} for the waiting and in-flight events to be acknowledged, not at all
     * while Kafka is failing; then drops what still waits and every later event. Sends already handed
     * to the producer are left to the connector's own bounded close; they are counted as dropped too,
     * since the pod exits without knowing whether they reached Kafka.
     *
     * @return the number of events counted as dropped here (waiting and unacknowledged)
     */
    public int flushAndClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int dropped;
        int unacknowledged;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            try {
                long left;
                while (queue.size() + inFlight > 0 && !failing() && (left = deadline - System.nanoTime()) > 0) {
                    wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed = true;
            unacknowledged = inFlight;
            dropped = queue.size() + unacknowledged;
            queue.clear();
        }
        droppedShutdown.increment(dropped);
        if (dropped > 0) {
            LOG.infof("dropped %d peer events at shutdown (%d of them sent and not acknowledged; Kafka %s)", dropped,
                    unacknowledged, failing() ? "failing" : "not answering");
        }
        return dropped;
    }

    /** The last send failed and none succeeded since: Kafka is unreachable or refusing. */
    private boolean failing() {
        return lastFailureMillis.get() > lastAckMillis.get();
    }

    public synchronized int pending() {
        return queue.size() + inFlight;
    }

    public long dropped() {
        return (long) (droppedFull.count() + droppedFailed.count() + droppedShutdown.count());
    }

    public long lastAckMillis() {
        return lastAckMillis.get();
    }

    public long lastFailureMillis() {
        return lastFailureMillis.get();
    }

    public String lastFailure() {
        return lastFailure;
    }
}
