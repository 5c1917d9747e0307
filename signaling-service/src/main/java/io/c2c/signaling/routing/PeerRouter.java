package io.c2c.signaling.routing;

import io.c2c.signaling.metrics.SignalingMetrics;
import io.c2c.signaling.session.Ids;
import io.c2c.signaling.session.LocalSessions;
import io.c2c.signaling.session.PeerSession;
import io.c2c.signaling.session.SendOrder;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * Delivers a message to a peer wherever it is: on this pod directly, on another pod through that
 * pod's Redis inbox, or into the peer's resume buffer while it is detached (or its pod is dead:
 * a publish nobody receives). Each message takes exactly one of these paths (see {@link RedisScripts#ROUTE}).
 * A {@code @Singleton}, injected without a client proxy: it is on every message's path.
 */
@Singleton
public class PeerRouter {

    /** Outcome of a delivery attempt. */
    public enum Outcome {
        DELIVERED, SENT, BUFFERED, GONE, FULL;

        public boolean reached() {
            return this == DELIVERED || this == SENT || this == BUFFERED;
        }
    }

    private static final Logger LOG = Logger.getLogger(PeerRouter.class);
    private static final int MAX_HOPS = 3;

    private final RedisScripts scripts;
    private final RouteBatcher batcher;
    private final LocalSessions sessions;
    private final PodIdentity identity;
    private final SignalingMetrics metrics;
    private final String idPrefix = Ids.random128().substring(0, 12) + ".";
    private final AtomicLong sequence = new AtomicLong();
    /** Ids of envelopes delivered from the inbox recently; a second copy (duplicate subscription) is dropped. */
    private final Map<String, Boolean> recent = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 65_536;
                }
            });

    public PeerRouter(RedisScripts scripts, RouteBatcher batcher, LocalSessions sessions, PodIdentity identity,
                      SignalingMetrics metrics) {
        this.scripts = scripts;
        this.batcher = batcher;
        this.sessions = sessions;
        this.identity = identity;
        this.metrics = metrics;
    }

    /** Sends {@code body} (a server message's JSON) to {@code peerId} of {@code site}. */
    public Uni<Outcome> deliver(String site, String peerId, String body) {
        if (localTarget(site, peerId) != null) {
            // Same pod: no Redis round trip. A peer bound here is the one Redis names (a resume elsewhere
            // closes this connection first, and a failed write falls back to the buffer path).
            metrics.routed("local");
            return deliverLocally(newEnvelope(site, peerId, body));
        }
        return deliverElsewhere(site, peerId, body);
    }

    /** What {@link #deliverDirect} did. */
    public enum Direct {
        /** Handed to the target's connection on this pod; the outcome comes to {@code late} only if it fails. */
        HANDED_OVER,
        /** Nothing: the peer is not connected here ({@link #deliverElsewhere} routes it). */
        NOT_HERE,
        /** Nothing: the peer is here, but the sender's {@link SendOrder} holds direct writes back. */
        HELD_BACK
    }

    /**
     * The same-pod path of a sender's signal, without waiting for the write: when {@code peerId} is
     * connected here and the sender's {@link SendOrder} allows it, {@code body} is handed to the target's
     * connection; the sender may go on with its next message at once. A write that fails takes the Redis
     * path like any message for a peer that is not here, in order (see {@link SendOrder}), and {@code late}
     * gets that outcome (or the failure). Otherwise nothing is done: use {@link #deliver} after
     * {@link SendOrder#settled}, or {@link #deliverElsewhere} for a peer that is not here.
     */
    public Direct deliverDirect(PeerSession sender, String site, String peerId, String body,
                                BiConsumer<Outcome, Throwable> late) {
        PeerSession local = localTarget(site, peerId);
        if (local == null) {
            return Direct.NOT_HERE;
        }
        SendOrder order = sender.sendOrder();
        if (!order.tryDirect(local)) {
            return Direct.HELD_BACK;
        }
        long sentAtMicros = SignalingMetrics.nowMicros();
        metrics.routed("local");
        local.write(body, failure -> {
            if (failure == null) {
                metrics.delivered(sentAtMicros);
                order.written();
                return;
            }
            order.failed(() -> notHere(Envelope.message(site, peerId, sentAtMicros, 0, nextId(), body))
                    .onItemOrFailure().invoke(late));
        });
        return Direct.HANDED_OVER;
    }

    /**
     * Like {@link #deliver} for a peer just found not to be on this pod: straight to the route queue (should
     * it have arrived here meanwhile, Redis says so and it is delivered here).
     */
    public Uni<Outcome> deliverElsewhere(String site, String peerId, String body) {
        return route(newEnvelope(site, peerId, body));
    }

    private Envelope newEnvelope(String site, String peerId, String body) {
        return Envelope.message(site, peerId, SignalingMetrics.nowMicros(), 0, nextId(), body);
    }

    /** {@code peerId}'s session when it is connected to this pod for {@code site} and open, else null. */
    private PeerSession localTarget(String site, String peerId) {
        PeerSession local = sessions.byPeer(peerId);
        boolean open = local != null && site.equals(local.site()) && local.closeIntent() != PeerSession.CloseIntent.NONE
                && !local.connection().isClosed();
        return open ? local : null;
    }

    private String nextId() {
        return idPrefix + Long.toHexString(sequence.incrementAndGet());
    }

    private Uni<Outcome> route(Envelope envelope) {
        return batcher.route(envelope)
                .chain(result -> {
                    metrics.routed(result);
                    return switch (result) {
                        case "local" -> deliverLocally(envelope);
                        case "sent" -> {
                            metrics.crossPod();
                            yield Uni.createFrom().item(Outcome.SENT);
                        }
                        case "buffered" -> Uni.createFrom().item(Outcome.BUFFERED);
                        case "full" -> Uni.createFrom().item(Outcome.FULL);
                        default -> Uni.createFrom().item(Outcome.GONE);
                    };
                });
    }

    /** An envelope from this pod's inbox: delivered once, even if the inbox was subscribed twice. */
    public Uni<Outcome> fromInbox(Envelope envelope) {
        if (recent.putIfAbsent(envelope.id(), Boolean.TRUE) != null) {
            metrics.routed("duplicate");
            return Uni.createFrom().item(Outcome.DELIVERED);
        }
        return deliverLocally(envelope);
    }

    /** Writes to the peer's connection on this pod; buffers (or re-routes) when it is no longer here. */
    public Uni<Outcome> deliverLocally(Envelope envelope) {
        PeerSession session = sessions.byPeer(envelope.to());
        if (session == null || session.connection().isClosed()) {
            return notHere(envelope);
        }
        // Through the session, not the raw connection: during a resume the welcome and the buffered
        // messages must go out first, and a message routed here meanwhile waits behind them.
        return session.send(envelope.body())
                .map(ignored -> {
                    metrics.delivered(envelope.sentAtMicros());
                    return Outcome.DELIVERED;
                })
                .onFailure().recoverWithUni(failure -> notHere(envelope));
    }

    private Uni<Outcome> notHere(Envelope envelope) {
        return scripts.run(RedisScripts.BUFFER_IF_OWNER,
                        List.of(RedisKeys.peer(envelope.to()), RedisKeys.buffer(envelope.to())),
                        List.of(identity.podId(), envelope.encode(), batcher.bufferMax(), batcher.bufferTtl()))
                .chain(response -> {
                    String result = response.toString();
                    if ("moved".equals(result) && envelope.hop() < MAX_HOPS) {
                        return route(envelope.nextHop());
                    }
                    if ("buffered".equals(result)) {
                        return Uni.createFrom().item(Outcome.BUFFERED);
                    }
                    LOG.debugf("message for %s dropped: %s", envelope.to(), result);
                    return Uni.createFrom().item("full".equals(result) ? Outcome.FULL : Outcome.GONE);
                });
    }
}
