package io.c2c.discovery.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.discovery.config.DiscoveryConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Readiness and staleness bookkeeping: ready only after an assignment and once every owned
 * partition reached its catch-up target; lost partitions are kept and resumable. Pure state, so
 * no Quarkus; the configuration is a minimal proxy answering the one knob it reads.
 */
class FeedStatusTest {

    private static FeedStatus status() {
        DiscoveryConfig.Feed feed = (DiscoveryConfig.Feed) Proxy.newProxyInstance(FeedStatusTest.class.getClassLoader(),
                new Class<?>[] {DiscoveryConfig.Feed.class}, (proxy, method, args) -> {
                    if (method.getName().equals("staleAfter")) {
                        return Duration.ofSeconds(3);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        DiscoveryConfig config = (DiscoveryConfig) Proxy.newProxyInstance(FeedStatusTest.class.getClassLoader(),
                new Class<?>[] {DiscoveryConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("feed")) {
                        return feed;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new FeedStatus(config);
    }

    @Test
    void readyOnlyWhenEveryOwnedPartitionIsRebuilt() {
        FeedStatus status = status();
        assertFalse(status.ready(), "no assignment yet");
        status.assigned(0, 100, 1_000);
        status.progress(0, 40);
        status.assigned(1, 0, 1_000);
        assertFalse(status.ready(), "partition 0 is 60 records short");
        assertTrue(status.caughtUp(1), "an empty partition is caught up at once");
        status.progress(0, 100);
        assertTrue(status.ready());
        assertEquals(Set.of(0, 1), status.ownedPartitions());
        status.assigned(2, -1, 2_000);
        assertFalse(status.ready(), "unknown target: not ready until a lag check sets it");
        status.target(2, 5);
        status.progress(2, 5);
        assertTrue(status.ready());
    }

    @Test
    void staleAfterTheBoundWithoutBrokerContact() {
        FeedStatus status = status();
        assertTrue(status.stale(10_000), "never reached the broker");
        status.brokerContact(10_000);
        assertFalse(status.stale(12_999));
        assertTrue(status.stale(13_001));
    }

    @Test
    void lostPartitionsAreKeptAndResumableForAWhile() {
        FeedStatus status = status();
        status.assigned(3, 10, 0);
        status.progress(3, 10);
        status.lost(3, 5_000);
        assertTrue(status.owns(3), "still answered from, stale-marked");
        assertEquals(Set.of(3), status.lostPartitions());
        assertEquals(10, status.resumePosition(3, 6_000, 45_000));
        assertEquals(-1, status.resumePosition(3, 60_000, 45_000), "lost too long ago: rebuild instead");
        status.resumed(3);
        assertEquals(Set.of(), status.lostPartitions());
        status.lag(3, 5_000);
        assertFalse(status.judgeable(3, 2_000), "far behind: not swept");
        status.revoked(3);
        assertFalse(status.owns(3));
    }
}
