package io.c2c.signaling.routing;

import io.c2c.signaling.protocol.CloseCodes;
import io.c2c.signaling.session.LocalSessions;
import io.c2c.signaling.session.PeerSession;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * This pod's Redis inbox: the pub/sub channel other pods publish to for peers connected here.
 * A probe published to the channel at every pod refresh counts its subscribers; zero means the
 * subscription died with a Redis restart, and it is made again.
 */
@ApplicationScoped
public class PodInbox {

    private static final Logger LOG = Logger.getLogger(PodInbox.class);

    private final ReactiveRedisDataSource redis;
    private final ReactivePubSubCommands<String> pubsub;
    private final PodIdentity identity;
    private final PeerRouter router;
    private final LocalSessions sessions;
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;
    private volatile boolean subscribing;
    private int silentProbes;

    public PodInbox(ReactiveRedisDataSource redis, PodIdentity identity, PeerRouter router, LocalSessions sessions) {
        this.redis = redis;
        this.pubsub = redis.pubsub(String.class);
        this.identity = identity;
        this.router = router;
        this.sessions = sessions;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            subscribe().await().atMost(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warnf("inbox not subscribed yet (retried by the watchdog): %s", e.getMessage());
        }
    }

    private Uni<Void> subscribe() {
        subscribing = true;
        return pubsub.subscribe(RedisKeys.inbox(identity.podId()), this::onPublished)
                .invoke(s -> {
                    subscriber = s;
                    LOG.infof("subscribed to inbox %s", RedisKeys.inbox(identity.podId()));
                })
                .eventually(() -> subscribing = false)
                .replaceWithVoid();
    }

    private void onPublished(String text) {
        for (Envelope envelope : Envelope.decodeAll(text)) {
            onEnvelope(envelope);
        }
    }

    private void onEnvelope(Envelope envelope) {
        if (envelope.kind() == 'k') {
            PeerSession session = sessions.byPeer(envelope.to());
            if (session != null && session.connId().equals(envelope.body())) {
                session.closeIntent(PeerSession.CloseIntent.NONE);
                session.connection().close(new CloseReason(CloseCodes.REPLACED, "resumed elsewhere"))
                        .subscribe().with(ok -> { }, failure -> { });
            }
            return;
        }
        router.fromInbox(envelope).subscribe().with(ok -> { },
                failure -> LOG.debugf("inbox delivery to %s failed: %s", envelope.to(), failure.getMessage()));
    }

    @Scheduled(every = "${c2c.signaling.pod-refresh-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void watchdog() {
        if (subscribing) {
            return;
        }
        try {
            long receivers = redis.execute("PUBLISH", RedisKeys.inbox(identity.podId()), Envelope.PROBE)
                    .await().atMost(Duration.ofSeconds(5)).toLong();
            // two silent probes in a row: a subscription that is still being confirmed answers the second
            silentProbes = receivers == 0 ? silentProbes + 1 : 0;
            if (silentProbes >= 2) {
                silentProbes = 0;
                LOG.warn("inbox subscription lost (Redis restarted?); subscribing again");
                ReactivePubSubCommands.ReactiveRedisSubscriber old = subscriber;
                if (old != null) {
                    old.unsubscribe().subscribe().with(ok -> { }, failure -> { });
                }
                subscribe().await().atMost(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            LOG.debugf("inbox watchdog: Redis unreachable: %s", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        ReactivePubSubCommands.ReactiveRedisSubscriber current = subscriber;
        if (current != null) {
            try {
                current.unsubscribe().await().atMost(Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // the subscription ends with the connection anyway
            }
        }
    }
}
