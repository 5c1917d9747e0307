package io.c2c.signaling.event;

import io.c2c.contracts.event.PeerEvent;
import io.c2c.signaling.config.SignalingConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Decouples signaling from Kafka: peer events wait here (bounded) while the producer has
 * {@code event-max-in-flight} events unacknowledged; when the buffer is full the event is dropped
 * and counted. Peer events are soft state (heartbeats re-send everything), so dropping is safer
 * than blocking a WebSocket thread or growing without limit.
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
    private final Counter published;
    private final AtomicLong lastAckMillis = new AtomicLong();
    private final AtomicLong lastFailureMillis = new AtomicLong();
    private volatile String lastFailure;
    private int inFlight;

    public PeerEventBuffer(PeerEventPublisher publisher, SignalingConfig config, MeterRegistry registry) {
        this.publisher = publisher;
        this.capacity = config.eventBufferSize();
        this.maxInFlight = config.eventMaxInFlight();
        this.droppedFull = Counter.builder("c2c.signaling.events.dropped").tag("reason", "buffer-full")
                .description("peer events dropped").register(registry);
        this.droppedFailed = Counter.builder("c2c.signaling.events.dropped").tag("reason", "send-failed")
                .description("peer events dropped").register(registry);
        this.published = Counter.builder("c2c.signaling.events.published")
                .description("peer events acknowledged by Kafka").register(registry);
        Gauge.builder("c2c.signaling.events.buffered", this, PeerEventBuffer::pending)
                .description("peer events waiting or in flight").register(registry);
    }

    /** Queues an event; never blocks. Returns false when it was dropped. */
    public boolean offer(PeerEvent event) {
        synchronized (this) {
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

    private void send(PeerEvent event) {
        try {
            publisher.publish(event).whenComplete((ok, failure) -> {
                if (failure == null) {
                    published.increment();
                    lastAckMillis.set(System.currentTimeMillis());
                } else {
                    failed(failure);
                }
                next();
            });
        } catch (RuntimeException e) {
            // the emitter refuses synchronously when its own buffer is exhausted
            failed(e);
            next();
        }
    }

    private void failed(Throwable failure) {
        droppedFailed.increment();
        lastFailureMillis.set(System.currentTimeMillis());
        if (lastFailure == null) {
            LOG.warnf("peer event not published (Kafka unreachable?): %s", failure.getMessage());
        }
        lastFailure = String.valueOf(failure.getMessage());
    }

    private void next() {
        PeerEvent next;
        synchronized (this) {
            next = queue.pollFirst();
            if (next == null) {
                inFlight--;
                return;
            }
        }
        send(next);
    }

    public synchronized int pending() {
        return queue.size() + inFlight;
    }

    public long dropped() {
        return (long) (droppedFull.count() + droppedFailed.count());
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
