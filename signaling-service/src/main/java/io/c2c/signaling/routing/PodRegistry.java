package io.c2c.signaling.routing;

import io.c2c.signaling.config.SignalingConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Keeps this pod's registration in Redis ({@code c2c:pod:<id>}, with a TTL), so that other pods
 * can tell a live pod from a dead one when they route a message or clean up after a crash.
 */
@ApplicationScoped
public class PodRegistry {

    static final String KEY_PREFIX = "c2c:pod:";
    private static final Logger LOG = Logger.getLogger(PodRegistry.class);

    private final ValueCommands<String, String> values;
    private final PodIdentity identity;
    private final SignalingConfig config;
    private volatile boolean failing;
    /** Set at shutdown: a refresh after the key was removed would register the stopping pod again. */
    private volatile boolean stopped;

    public PodRegistry(RedisDataSource redis, PodIdentity identity, SignalingConfig config) {
        this.values = redis.value(String.class);
        this.identity = identity;
        this.config = config;
    }

    public static String key(String podId) {
        return KEY_PREFIX + podId;
    }

    /**
     * Registers the pod at start-up, on the main thread. The scheduler's first run comes an interval later:
     * when it created this bean (and with it the Redis data source) it could race the main thread's creation
     * of another data source inside the Redis client recorder, which is not thread-safe
     * ({@code ConcurrentModificationException}, seen even with {@code @Startup}, which does not order this
     * bean before the scheduler's first run).
     */
    void onStart(@Observes StartupEvent event) {
        refresh();
    }

    @Scheduled(every = "${c2c.signaling.pod-refresh-interval}", delayed = "${c2c.signaling.pod-refresh-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        if (stopped) {
            return;
        }
        try {
            values.set(key(identity.podId()), Instant.now().toString(), new SetArgs().px(config.podTtl()));
            if (failing) {
                LOG.infof("pod registration for %s restored in Redis", identity.podId());
                failing = false;
            }
        } catch (RuntimeException e) {
            // Logged once per outage: readiness already reports Redis as DOWN. Not at all when the client
            // closed under a refresh that began just before the shutdown.
            if (!failing && !stopped) {
                LOG.warnf("cannot refresh pod registration in Redis: %s", e.getMessage());
                failing = true;
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        try {
            values.getdel(key(identity.podId()));
        } catch (RuntimeException e) {
            LOG.debugf("pod registration not removed (it expires by itself): %s", e.getMessage());
        }
    }
}
