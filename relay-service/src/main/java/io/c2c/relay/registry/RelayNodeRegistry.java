package io.c2c.relay.registry;

import io.c2c.relay.config.RelayConfig;
import io.c2c.relay.service.RelayService;
import io.c2c.relay.transport.TurnListeners;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Registers this relay node in Redis and refreshes it by heartbeat: a hash
 * {@code c2c:relay:node:<id>} with a TTL, and the node's id in the sorted set
 * {@code c2c:relay:nodes} scored by its last heartbeat (readers skip members whose hash expired).
 */
@ApplicationScoped
public class RelayNodeRegistry {

    public static final String NODES_KEY = "c2c:relay:nodes";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String NODE_KEY_PREFIX = "c2c:relay:node:";
    private static final Logger LOG = Logger.getLogger(RelayNodeRegistry.class);

    private final HashCommands<String, String, String> hashes;
    private final SortedSetCommands<String, String> sortedSets;
    private final KeyCommands<String> keys;
    private final RelayConfig config;
    private final RelayService relay;
    private final String nodeId;
    private volatile long lastAttemptAt;
    private volatile boolean failing;
    private volatile boolean registered;
    private long lastBytes;
    private long lastBytesAt;

    public RelayNodeRegistry(RedisDataSource redis, RelayConfig config, RelayService relay) {
        this.hashes = redis.hash(String.class);
        this.sortedSets = redis.sortedSet(String.class);
        this.keys = redis.key(String.class);
        this.config = config;
        this.relay = relay;
        this.nodeId = config.nodeId().filter(id -> !id.isBlank())
                .orElseGet(() -> Optional.ofNullable(System.getenv("HOSTNAME")).orElse("relay") + "-" + suffix());
        // Publish the draining flag at once rather than at the next heartbeat.
        relay.onDrain(this::heartbeat);
    }

    private static String suffix() {
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static String nodeKey(String nodeId) {
        return NODE_KEY_PREFIX + nodeId;
    }

    public String nodeId() {
        return nodeId;
    }

    /** True when the last heartbeat registered this node in Redis, so the ice-servers endpoint can offer it. */
    public boolean registered() {
        return registered;
    }

    /** Epoch milliseconds of the last heartbeat attempt, successful or not (liveness of the loop itself). */
    public long lastAttemptAt() {
        return lastAttemptAt;
    }

    /**
     * Registers as soon as the listeners are bound ({@link RelayService}'s startup observer runs first): with an
     * ephemeral listen port the scheduled heartbeat may come before the port is known, and readiness
     * ({@code RegisteredReadinessCheck}) would otherwise wait a whole interval. Off the startup thread, so a
     * Redis outage does not hold the start.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        Infrastructure.getDefaultWorkerPool().execute(this::heartbeat);
    }

    @Scheduled(every = "${c2c.relay.heartbeat-interval}", delayed = "0s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void heartbeat() {
        long now = System.currentTimeMillis();
        lastAttemptAt = now;
        if (port() == 0) {
            // Listeners not bound yet (ephemeral port configured): a node nobody can reach must not be offered.
            return;
        }
        long bytes = relay.allocations().totalBytes();
        long bytesPerSecond = lastBytesAt == 0 || now <= lastBytesAt ? 0 : (bytes - lastBytes) * 1000 / (now - lastBytesAt);
        lastBytes = bytes;
        lastBytesAt = now;
        RelayNode self = new RelayNode(nodeId, config.publicAddress(), port(), config.region(),
                relay.allocations().count(), bytesPerSecond, relay.allocations().isDraining(), now);
        try {
            String key = nodeKey(nodeId);
            hashes.hset(key, Map.of(
                    "nodeId", self.nodeId(),
                    "publicAddress", self.publicAddress(),
                    "port", Integer.toString(self.port()),
                    "region", self.region(),
                    "allocations", Long.toString(self.allocations()),
                    "relayedBytesPerSecond", Long.toString(self.relayedBytesPerSecond()),
                    "draining", Boolean.toString(self.draining()),
                    "heartbeatAt", Long.toString(self.heartbeatAt())));
            keys.pexpire(key, config.nodeTtl());
            sortedSets.zadd(NODES_KEY, now, nodeId);
            // Only a draining node redirects; reading every node's record is not worth it otherwise (a drain runs
            // a heartbeat at once, so the alternate is there from the start of the drain).
            relay.allocations().alternate(self.draining() ? alternateTo(liveNodes(), nodeId, config.region()) : null);
            if (failing) {
                LOG.infof("relay node %s registered again", nodeId);
                failing = false;
            }
            registered = true;
        } catch (RuntimeException e) {
            registered = false;
            if (!failing) {
                LOG.warnf("cannot refresh relay node registration in Redis: %s", e.getMessage());
                failing = true;
            }
        }
    }

    /**
     * Every node whose registration has not expired. Members of the index whose hash is gone
     * (crashed nodes) are skipped and pruned.
     */
    public List<RelayNode> liveNodes() {
        List<RelayNode> nodes = new ArrayList<>();
        for (String id : sortedSets.zrange(NODES_KEY, 0, -1)) {
            Map<String, String> h = hashes.hgetall(nodeKey(id));
            RelayNode node = h.isEmpty() ? null : parse(h);
            if (node == null) {
                sortedSets.zrem(NODES_KEY, id);
            } else {
                nodes.add(node);
            }
        }
        return nodes;
    }

    /** This node as it would register now (the fallback when Redis cannot be read). */
    public RelayNode self() {
        return new RelayNode(nodeId, config.publicAddress(), port(), config.region(),
                relay.allocations().count(), 0, relay.allocations().isDraining(), System.currentTimeMillis());
    }

    /** The bound STUN/TURN port (differs from the configured one only when that is 0, in tests). */
    private int port() {
        TurnListeners bound = relay.listeners();
        return bound != null ? bound.udpAddress().getPort() : config.listenPort();
    }

    /**
     * The node a draining {@code self} redirects new allocations to: the one {@link NodeSelector} would offer
     * (not draining, same region first, least loaded), among the others whose public address is an IP literal
     * (ALTERNATE-SERVER carries an address, not a name). Null when there is none.
     */
    static InetSocketAddress alternateTo(List<RelayNode> nodes, String self, String region) {
        List<RelayNode> others = nodes.stream().filter(n -> !n.nodeId().equals(self) && ipLiteral(n.publicAddress()) != null)
                .toList();
        return NodeSelector.choose(others, region)
                .map(n -> new InetSocketAddress(ipLiteral(n.publicAddress()), n.port())).orElse(null);
    }

    /** The address of an IPv4 or IPv6 literal, without any name resolution; null for anything else. */
    static InetAddress ipLiteral(String text) {
        if (text == null || !(IPV4.matcher(text).matches() || (text.indexOf(':') >= 0 && text.matches("[0-9a-fA-F:.]+")))) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private static RelayNode parse(Map<String, String> h) {
        try {
            return new RelayNode(h.get("nodeId"), h.get("publicAddress"), Integer.parseInt(h.get("port")),
                    h.getOrDefault("region", ""), Long.parseLong(h.getOrDefault("allocations", "0")),
                    Long.parseLong(h.getOrDefault("relayedBytesPerSecond", "0")),
                    Boolean.parseBoolean(h.get("draining")), Long.parseLong(h.getOrDefault("heartbeatAt", "0")));
        } catch (RuntimeException e) {
            return null;
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        try {
            keys.del(nodeKey(nodeId));
            sortedSets.zrem(NODES_KEY, nodeId);
        } catch (RuntimeException e) {
            LOG.debugf("registration not removed (it expires by itself): %s", e.getMessage());
        }
    }
}
