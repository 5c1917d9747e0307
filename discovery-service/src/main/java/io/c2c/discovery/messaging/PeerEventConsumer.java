package io.c2c.discovery.messaging;

import io.c2c.contracts.UnsupportedSchemaException;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.discovery.index.SwarmIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds the index from {@code peer-events}. A record that cannot be decoded (poison, or a schema
 * version this build does not know) is counted, logged once, and skipped: it must never block
 * the partition behind it.
 */
@ApplicationScoped
public class PeerEventConsumer {

    private static final Logger LOG = Logger.getLogger(PeerEventConsumer.class);

    private final SwarmIndex index;
    private final Counter applied;
    private final Counter rejected;
    private final AtomicBoolean rejectionLogged = new AtomicBoolean();

    public PeerEventConsumer(SwarmIndex index, MeterRegistry registry) {
        this.index = index;
        this.applied = Counter.builder("c2c.discovery.events.applied").register(registry);
        this.rejected = Counter.builder("c2c.discovery.events.rejected").tag("reason", "undecodable")
                .register(registry);
    }

    @Incoming("peer-events")
    public void consume(ConsumerRecord<String, byte[]> record) {
        PeerEvent event;
        try {
            event = PeerEvent.decode(record.value());
        } catch (UnsupportedSchemaException e) {
            rejected.increment();
            if (rejectionLogged.compareAndSet(false, true)) {
                LOG.warnf("skipping undecodable record at %s-%d@%d (further ones are only counted): %s",
                        record.topic(), record.partition(), record.offset(), e.getMessage());
            }
            return;
        }
        index.apply(event);
        applied.increment();
    }
}
