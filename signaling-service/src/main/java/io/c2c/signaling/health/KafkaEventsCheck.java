package io.c2c.signaling.health;

import io.c2c.signaling.event.PeerEventBuffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the state of peer-event publishing as data but always UP: signaling works without
 * Kafka (events wait in a bounded buffer), so a Kafka outage must not take pods out of service.
 * Replaces the built-in Kafka readiness check ({@code quarkus.kafka.health.enabled=false}).
 */
@Readiness
@ApplicationScoped
public class KafkaEventsCheck implements HealthCheck {

    public static final String NAME = "Kafka peer-events (informational)";

    private final PeerEventBuffer buffer;

    public KafkaEventsCheck(PeerEventBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public HealthCheckResponse call() {
        long ack = buffer.lastAckMillis();
        long failure = buffer.lastFailureMillis();
        String state = failure > ack ? "failing" : ack > 0 ? "publishing" : "idle";
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).up()
                .withData("state", state)
                .withData("pending", buffer.pending())
                .withData("dropped", buffer.dropped());
        if (ack > 0) {
            builder.withData("lastAck", Instant.ofEpochMilli(ack).toString());
        }
        if (failure > 0) {
            builder.withData("lastFailure", Instant.ofEpochMilli(failure).toString());
        }
        return builder.build();
    }
}
