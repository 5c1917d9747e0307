package io.c2c.discovery.messaging;

import io.c2c.discovery.config.DiscoveryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the feed knows about its partitions, shared with queries and health: how many partitions
 * the topic has, which ones this instance owns, whether each is caught up with the end offset
 * seen when it was assigned, and when the broker last answered.
 */
@ApplicationScoped
public class FeedStatus {

    /** Catch-up state of one owned partition. */
    static final class Owned {
        /** End offset at assignment (or at the first lag check that succeeded): rebuilt once reached. -1: unknown. */
        volatile long target;
        volatile long position;
        volatile boolean caughtUp;
        /** Records behind the end offset at the last lag check. */
        volatile long lag;
        /** When the consumer lost the partition (coordinator unreachable), 0 while held normally. */
        volatile long lostAt;
        final long assignedAt;

        Owned(long target, long assignedAt) {
            this.target = target;
            this.assignedAt = assignedAt;
        }
    }

    private final long staleAfterMillis;
    private final Map<Integer, Owned> owned = new ConcurrentHashMap<>();
    private volatile int partitionCount;
    private volatile boolean assignedOnce;
    private volatile long lastBrokerContact;

    public FeedStatus(DiscoveryConfig config) {
        this.staleAfterMillis = config.feed().staleAfter().toMillis();
    }

    /** Partitions of the topic, 0 while unknown (broker never reached). */
    public int partitionCount() {
        return partitionCount;
    }

    void partitionCount(int count) {
        partitionCount = count;
    }

    public boolean owns(int partition) {
        return owned.containsKey(partition);
    }

    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned.keySet());
    }

    public boolean caughtUp(int partition) {
        Owned o = owned.get(partition);
        return o != null && o.caughtUp;
    }

    /**
     * Whether silence in {@code partition} means silence from its peers: rebuilt, and not so far behind
     * that their heartbeats may still be waiting unread (at most {@code maxLag} records behind).
     */
    boolean judgeable(int partition, long maxLag) {
        Owned o = owned.get(partition);
        return o != null && o.caughtUp && o.lag <= maxLag;
    }

    void lag(int partition, long lag) {
        Owned o = owned.get(partition);
        if (o != null) {
            o.lag = lag;
        }
    }

    /** Ready: the group gave this instance its share at least once, and every owned partition is rebuilt. */
    public boolean ready() {
        if (!assignedOnce) {
            return false;
        }
        for (Owned o : owned.values()) {
            if (!o.caughtUp) {
                return false;
            }
        }
        return true;
    }

    /** The broker has not answered for longer than the configured bound. */
    public boolean stale(long now) {
        return now - lastBrokerContact > staleAfterMillis;
    }

    /** When the broker last answered this instance's consumer (epoch ms, 0 = never). */
    public long lastBrokerContact() {
        return lastBrokerContact;
    }

    void brokerContact(long now) {
        lastBrokerContact = now;
    }

    void assigned(int partition, long target, long now) {
        owned.put(partition, new Owned(target, now));
        assignedOnce = true;
        progress(partition, -1);
    }

    void assignmentSeen() {
        assignedOnce = true;
    }

    void revoked(int partition) {
        owned.remove(partition);
    }

    /**
     * The consumer lost the partition without a clean hand-over (the broker went away): keep its
     * index and keep answering from it, stale-marked, until the group says who owns it now.
     */
    void lost(int partition, long now) {
        Owned o = owned.get(partition);
        if (o != null && o.lostAt == 0) {
            o.lostAt = now;
        }
    }

    /** The position to resume a partition lost at most {@code maxAgeMillis} ago from, or -1 to rebuild it. */
    long resumePosition(int partition, long now, long maxAgeMillis) {
        Owned o = owned.get(partition);
        if (o == null || o.lostAt == 0 || now - o.lostAt > maxAgeMillis || !o.caughtUp) {
            return -1;
        }
        return o.position;
    }

    void resumed(int partition) {
        Owned o = owned.get(partition);
        if (o != null) {
            o.lostAt = 0;
        }
    }

    /** Partitions held only because they were lost, not because the group assigned them. */
    Set<Integer> lostPartitions() {
        Set<Integer> lost = new java.util.HashSet<>();
        owned.forEach((p, o) -> {
            if (o.lostAt != 0) {
                lost.add(p);
            }
        });
        return lost;
    }

    /** Records the consumer's position; a partition counts as caught up once it reaches its target. */
    void progress(int partition, long position) {
        Owned o = owned.get(partition);
        if (o == null) {
            return;
        }
        if (position >= 0) {
            o.position = position;
        }
        if (!o.caughtUp && o.target >= 0 && o.position >= o.target) {
            o.caughtUp = true;
        }
    }

    void target(int partition, long endOffset) {
        Owned o = owned.get(partition);
        if (o != null && o.target < 0) {
            o.target = endOffset;
            progress(partition, -1);
        }
    }

    Map<Integer, Owned> owned() {
        return owned;
    }
}
