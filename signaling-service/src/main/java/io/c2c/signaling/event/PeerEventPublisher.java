package io.c2c.signaling.event;

import io.c2c.contracts.event.PeerEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes peer events to the {@code peer-events} topic with the site id as the key, so that all
 * events of a site land in one partition, in order, and reach the discovery instance that owns it.
 * The value is the contract JSON from {@link PeerEvent#encode}.
 */
@ApplicationScoped
public class PeerEventPublisher {

    private final Emitter<byte[]> emitter;

    public PeerEventPublisher(@Channel("peer-events") Emitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker acknowledged the event, exceptionally when it could not be sent. */
    public CompletionStage<Void> publish(PeerEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<byte[]> message = Message.of(PeerEvent.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.siteId()).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return acked;
    }
}
