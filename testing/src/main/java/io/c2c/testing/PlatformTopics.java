package io.c2c.testing;

import io.c2c.contracts.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The platform's topics as the local stack and the tests create them (in Kubernetes, Strimzi
 * KafkaTopic resources in k8s/ say the same with production replication). Partition counts are
 * small here: one broker on two cores.
 */
public final class PlatformTopics {

    /** Partitions of {@code peer-events} locally: enough for a rebalance between two discovery instances to mean something. */
    public static final int PEER_EVENT_PARTITIONS = 4;

    private PlatformTopics() {
    }

    public static List<NewTopic> all() {
        return List.of(
                new NewTopic(Topics.SITES, 1, (short) 1).configs(Map.of(
                        "cleanup.policy", "compact",
                        "min.compaction.lag.ms", "0")),
                new NewTopic(Topics.PEER_EVENTS, PEER_EVENT_PARTITIONS, (short) 1).configs(Map.of(
                        // Heartbeats rebuild state; a few hours of history is plenty.
                        "retention.ms", Long.toString(TimeUnit.HOURS.toMillis(6)))));
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public static void ensure(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = all().stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot create the platform topics on " + bootstrapServers, e);
        }
    }
}
