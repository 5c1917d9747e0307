package io.c2c.discovery.client;

import io.c2c.discovery.config.DiscoveryConfig;
import io.c2c.discovery.messaging.PeerEventFeed;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Which instance owns a partition, learned from the consumer group itself: every instance's
 * consumer client id is {@code discovery@<its advertised URL>}, and the group coordinator's
 * description lists each member's client id with its assigned partitions. No extra registry
 * to keep in sync; the answer is as fresh as the last rebalance. Cached for a short TTL.
 */
@ApplicationScoped
public class OwnerDirectory {

    private static final Logger LOG = Logger.getLogger(OwnerDirectory.class);

    private final String groupId;
    private final String topic;
    private final long ttlMillis;
    private final String bootstrapServers;
    private volatile Admin admin;
    private volatile Map<Integer, String> owners = Map.of();
    private volatile long fetchedAt;

    public OwnerDirectory(DiscoveryConfig config,
                          @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.groupId = config.feed().groupId();
        this.topic = config.feed().topic();
        this.ttlMillis = config.routing().ownerCacheTtl().toMillis();
        this.bootstrapServers = bootstrapServers;
    }

    /** The advertised URL of the instance owning {@code partition}, if the group knows one. */
    public Optional<String> ownerOf(int partition) {
        long now = System.currentTimeMillis();
        Map<Integer, String> known = owners;
        String url = known.get(partition);
        if (url != null && now - fetchedAt < ttlMillis) {
            return Optional.of(url);
        }
        refresh(now);
        return Optional.ofNullable(owners.get(partition));
    }

    /** Forgets the cached map (after a forward failed, the owner probably changed). */
    public void invalidate() {
        fetchedAt = 0;
    }

    private synchronized void refresh(long now) {
        if (now - fetchedAt < Math.min(ttlMillis, 250) && !owners.isEmpty()) {
            return;
        }
        try {
            ConsumerGroupDescription group = admin().describeConsumerGroups(java.util.List.of(groupId))
                    .describedGroups().get(groupId).get(3, TimeUnit.SECONDS);
            Map<Integer, String> fresh = new HashMap<>();
            for (MemberDescription member : group.members()) {
                if (!member.clientId().startsWith(PeerEventFeed.CLIENT_ID_PREFIX)) {
                    continue;
                }
                String url = member.clientId().substring(PeerEventFeed.CLIENT_ID_PREFIX.length());
                for (TopicPartition tp : member.assignment().topicPartitions()) {
                    if (tp.topic().equals(topic)) {
                        fresh.put(tp.partition(), url);
                    }
                }
            }
            owners = Map.copyOf(fresh);
            fetchedAt = now;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debugf("cannot describe consumer group %s: %s", groupId, e.toString());
        }
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Properties p = new Properties();
                    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
                    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
                    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "discovery-owner-directory");
                    admin = Admin.create(p);
                }
                a = admin;
            }
        }
        return a;
    }

    @PreDestroy
    void close() {
        Admin a = admin;
        if (a != null) {
            a.close(java.time.Duration.ofSeconds(2));
        }
    }
}
