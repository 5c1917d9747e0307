package io.c2c.discovery.health;

import io.c2c.discovery.messaging.FeedStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the consumer group has given this instance its partitions and each of them has been
 * rebuilt up to the end offset seen at assignment. A broker outage alone does not make the
 * instance unready: answering from the (stale-marked) index beats answering nothing.
 */
@Readiness
@ApplicationScoped
public class IndexReadiness implements HealthCheck {

    private final FeedStatus feed;

    public IndexReadiness(FeedStatus feed) {
        this.feed = feed;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("peer-events index")
                .status(feed.ready())
                .withData("ownedPartitions", feed.ownedPartitions().toString())
                .withData("stale", feed.stale(System.currentTimeMillis()))
                .build();
    }
}
