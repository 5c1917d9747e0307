package io.c2c.signaling.session;

import io.c2c.contracts.event.AssetsAnnounced;
import io.c2c.contracts.event.AssetsWithdrawn;
import io.c2c.contracts.event.PeerHeartbeat;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.signaling.client.IceServers;
import io.c2c.signaling.client.RelayClient;
import io.c2c.signaling.config.SignalingConfig;
import io.c2c.signaling.directory.OriginPolicy;
import io.c2c.signaling.directory.SiteDirectory;
import io.c2c.signaling.directory.SiteInfo;
import io.c2c.signaling.event.PeerEventBuffer;
import io.c2c.signaling.protocol.CloseCodes;
import io.c2c.signaling.protocol.ErrorCode;
import io.c2c.signaling.protocol.MessageEncoder;
import io.c2c.signaling.protocol.ProtocolException;
import io.c2c.signaling.protocol.in.Drop;
import io.c2c.signaling.protocol.in.Have;
import io.c2c.signaling.protocol.in.Hello;
import io.c2c.signaling.protocol.in.Status;
import io.c2c.signaling.protocol.out.Reconnect;
import io.c2c.signaling.protocol.out.Welcome;
import io.c2c.signaling.routing.Envelope;
import io.c2c.signaling.routing.PeerRouter;
import io.c2c.signaling.routing.PodIdentity;
import io.c2c.signaling.routing.RedisKeys;
import io.c2c.signaling.routing.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The life of a peer: hello (new or resumed), presence refreshes, the end of a connection (grace
 * or leave), expiry of peers whose pod or connection is gone, and draining at shutdown.
 */
@ApplicationScoped
public class SessionService {

    public static final String PROTOCOL = "c2c.v1";
    private static final Logger LOG = Logger.getLogger(SessionService.class);
    /** How long a resume's taken-over buffer stays readable for a retry of that same resume. */
    private static final String RESUMED_TTL_MS = "30000";
    /** Peers per presence-refresh script call: one call per peer made Redis's per-call cost the larger part at 10k+ peers a pod. */
    private static final int REFRESH_BATCH = 128;

    private final SignalingConfig config;
    private final SiteDirectory sites;
    private final RedisScripts scripts;
    private final ReactiveRedisDataSource redis;
    private final LocalSessions sessions;
    private final PodIdentity identity;
    private final RelayClient relay;
    private final RoomService rooms;
    private final PeerRouter router;
    private final PeerEventBuffer events;
    private final DrainState drain;
    private final String recordTtl;
    private final AtomicInteger closing = new AtomicInteger();

    public SessionService(SignalingConfig config, SiteDirectory sites, RedisScripts scripts, ReactiveRedisDataSource redis,
                          LocalSessions sessions, PodIdentity identity, RelayClient relay, RoomService rooms,
                          PeerRouter router, PeerEventBuffer events, DrainState drain) {
        this.config = config;
        this.sites = sites;
        this.scripts = scripts;
        this.redis = redis;
        this.sessions = sessions;
        this.identity = identity;
        this.relay = relay;
        this.rooms = rooms;
        this.router = router;
        this.events = events;
        this.drain = drain;
        this.recordTtl = Long.toString(Math.max(config.presenceTtl().toMillis(), config.resumeGrace().toMillis()) * 2);
    }

    /** Checks site and origin; throws {@link ProtocolException} with a closing code when they are not acceptable. */
    public SiteInfo admit(PeerSession session, Hello hello) {
        SiteInfo site = sites.find(hello.site()).orElseThrow(
                () -> new ProtocolException(ErrorCode.UNKNOWN_SITE, "site is not served here"));
        String origin = session.connection().handshakeRequest().header("Origin");
        boolean allowed = origin == null ? config.allowMissingOrigin() : OriginPolicy.allows(site, origin);
        if (!allowed) {
            throw new ProtocolException(ErrorCode.ORIGIN_NOT_ALLOWED, "origin is not a domain of the site");
        }
        return site;
    }

    public Uni<Void> hello(PeerSession session, Hello hello) {
        admit(session, hello);
        return hello.resuming() ? resume(session, hello) : fresh(session, hello);
    }

    private Uni<Void> fresh(PeerSession session, Hello hello) {
        String peerId = Ids.random128();
        String token = Ids.random128();
        session.welcome(peerId, hello.site(), Ids.tokenHash(token), hello.uploadCapacity());
        sessions.bind(session);
        return refresh(session)
                .chain(() -> relay.iceServers(hello.site(), peerId))
                .invoke(ice -> {
                    session.ready(List.of(MessageEncoder.encode(welcome(hello.id(), session, token, false, ice))));
                    events.offer(PeerJoined.of(hello.site(), peerId, System.currentTimeMillis(), identity.podId(),
                            session.network(), hello.uploadCapacity()));
                })
                .onFailure().invoke(failure -> sessions.closed(session.connection().id(), session))
                .replaceWithVoid();
    }

    private Uni<Void> resume(PeerSession session, Hello hello) {
        String tokenHash = Ids.tokenHash(hello.resumeToken());
        // Checked before this connection claims the peer id on this pod: a wrong token must never hold,
        // even for a moment, the messages routed to the real peer. RESUME checks again, atomically.
        return redis.execute("HMGET", RedisKeys.peer(hello.peerId()), "site", "tok")
                .chain(record -> {
                    if (record.get(0) == null) {
                        return Uni.createFrom().failure(resumeFailed("gone"));
                    }
                    if (!hello.site().equals(record.get(0).toString()) || record.get(1) == null
                            || !tokenHash.equals(record.get(1).toString())) {
                        return Uni.createFrom().failure(resumeFailed("denied"));
                    }
                    return takeOver(session, hello, tokenHash);
                });
    }

    private static ProtocolException resumeFailed(String result) {
        return new ProtocolException(ErrorCode.RESUME_FAILED,
                "gone".equals(result) ? "session expired; say hello without peerId" : "resume token does not match");
    }

    private Uni<Void> takeOver(PeerSession session, Hello hello, String tokenHash) {
        String peerId = hello.peerId();
        // resume tokens are single-use: the welcome carries a fresh one, and the one presented is void
        String nextToken = Ids.random128();
        session.welcome(peerId, hello.site(), Ids.tokenHash(nextToken), hello.uploadCapacity());
        PeerSession previous = sessions.bind(session);
        return scripts.run(RedisScripts.RESUME,
                        List.of(RedisKeys.peer(peerId), RedisKeys.buffer(peerId), RedisKeys.PRESENCE,
                                RedisKeys.peerRooms(peerId), RedisKeys.peerAssets(peerId),
                                RedisKeys.resumed(peerId, session.connId())),
                        List.of(peerId, hello.site(), tokenHash, identity.podId(), session.connId(),
                                Long.toString(presenceDeadline()), recordTtl, RESUMED_TTL_MS, session.tokenHash()))
                .onFailure().invoke(failure -> unbind(session, previous))
                .chain(response -> {
                    String result = response.get(0).toString();
                    if (!"ok".equals(result)) {
                        unbind(session, previous);
                        return Uni.createFrom().failure(resumeFailed(result));
                    }
                    String oldPod = response.get(1).toString();
                    String oldConn = response.get(2).toString();
                    for (Response room : response.get(3)) {
                        session.rooms().add(room.toString());
                    }
                    for (Response asset : response.get(4)) {
                        session.assets().add(asset.toString());
                    }
                    List<String> buffered = new ArrayList<>();
                    java.util.Set<String> ids = new java.util.HashSet<>();
                    for (Response item : response.get(5)) {
                        Envelope envelope = Envelope.decode(item.toString());
                        if (envelope != null && envelope.kind() == 'm' && ids.add(envelope.id())) {
                            buffered.add(envelope.body());
                        }
                    }
                    kickPrevious(peerId, previous, oldPod, oldConn);
                    return relay.iceServers(hello.site(), peerId).invoke(ice -> {
                        List<String> first = new ArrayList<>(buffered.size() + 1);
                        first.add(MessageEncoder.encode(welcome(hello.id(), session, nextToken, true, ice)));
                        first.addAll(buffered);
                        session.ready(first);
                        events.offer(PeerJoined.of(hello.site(), peerId, System.currentTimeMillis(), identity.podId(),
                                session.network(), hello.uploadCapacity()));
                    });
                })
                .replaceWithVoid();
    }

    /**
     * A resume failed: the connection gives the peer id back. Messages routed to the peer while this
     * connection claimed it were held, never sent; they go to the peer's real connection (or its
     * resume buffer), never to whoever presented the wrong token.
     */
    private void unbind(PeerSession session, PeerSession previous) {
        String site = session.site();
        String peerId = session.peerId();
        List<String> held = session.takePending();
        sessions.closed(session.connection().id(), session);
        session.welcome(null, null, null, 0);
        sessions.opened(session.connection().id(), session);
        if (previous != null && !previous.connection().isClosed()) {
            sessions.bind(previous);
        }
        for (String body : held) {
            router.deliver(site, peerId, body).subscribe().with(ok -> { },
                    failure -> LOG.debugf("message for %s lost after a failed resume: %s", peerId, failure.getMessage()));
        }
    }

    /** Closes the connection the peer had before it resumed here, on this pod or through the old pod's inbox. */
    private void kickPrevious(String peerId, PeerSession previous, String oldPod, String oldConn) {
        if (previous != null && previous.connId().equals(oldConn)) {
            previous.closeIntent(PeerSession.CloseIntent.NONE);
            previous.connection().close(new CloseReason(CloseCodes.REPLACED, "resumed elsewhere"))
                    .subscribe().with(ok -> { }, failure -> { });
        } else if (!oldPod.isEmpty() && !oldPod.equals(identity.podId())) {
            redis.execute("PUBLISH", RedisKeys.inbox(oldPod), Envelope.kick(peerId, oldConn).encode())
                    .subscribe().with(ok -> { }, failure -> { });
        }
    }

    private Welcome welcome(String re, PeerSession session, String token, boolean resumed,
                            IceServers ice) {
        return new Welcome(re, session.peerId(), token, resumed, PROTOCOL, config.heartbeatInterval().toMillis(),
                config.idleTimeout().toMillis(), config.resumeGrace().toMillis(), config.maxMessageBytes(),
                ice.servers(), ice.ttlSeconds(), resumed ? List.copyOf(session.rooms()) : null);
    }

    private long presenceDeadline() {
        return System.currentTimeMillis() + config.presenceTtl().toMillis();
    }

    /** Writes the peer's whole presence; 0 from Redis means another connection owns the peer now. */
    Uni<Void> refresh(PeerSession session) {
        return refresh(List.of(session));
    }

    /**
     * Rewrites the Redis records of {@code batch} in one script call; a peer that another connection
     * owns by now (it resumed elsewhere) has this connection closed.
     */
    private Uni<Void> refresh(List<PeerSession> batch) {
        List<String> keys = new ArrayList<>(1 + 3 * batch.size());
        List<String> args = new ArrayList<>(3 + 6 * batch.size());
        keys.add(RedisKeys.PRESENCE);
        args.add(identity.podId());
        args.add(Long.toString(presenceDeadline()));
        args.add(recordTtl);
        for (PeerSession session : batch) {
            keys.add(RedisKeys.peer(session.peerId()));
            keys.add(RedisKeys.peerRooms(session.peerId()));
            keys.add(RedisKeys.peerAssets(session.peerId()));
            List<String> rooms = List.copyOf(session.rooms());
            args.add(session.peerId());
            args.add(session.site());
            args.add(session.connId());
            args.add(session.tokenHash());
            args.add(Integer.toString(rooms.size()));
            args.addAll(rooms);
        }
        return scripts.run(RedisScripts.REFRESH, keys, args)
                .invoke(response -> {
                    for (int i = 0; i < batch.size() && i < response.size(); i++) {
                        if (response.get(i).toLong() == 0) {
                            PeerSession session = batch.get(i);
                            LOG.debugf("peer %s is owned by another connection; closing this one", session.peerId());
                            session.closeIntent(PeerSession.CloseIntent.NONE);
                            session.connection().close(new CloseReason(CloseCodes.REPLACED, "resumed elsewhere"))
                                    .subscribe().with(ok -> { }, failure -> { });
                        }
                    }
                })
                .replaceWithVoid();
    }

    /** The connection ended: keep the peer for a resume, or remove it now, as its close intent says. */
    public Uni<Void> closed(PeerSession session, int closeCode) {
        closing.incrementAndGet();
        return endPresence(session, closeCode).eventually(closing::decrementAndGet);
    }

    private Uni<Void> endPresence(PeerSession session, int closeCode) {
        sessions.closed(session.connection().id(), session);
        if (!session.welcomed()) {
            return Uni.createFrom().voidItem();
        }
        PeerSession.CloseIntent intent = session.closeIntent();
        if (closeCode == CloseCodes.NORMAL && intent == PeerSession.CloseIntent.GRACE && !drain.draining()) {
            intent = PeerSession.CloseIntent.LEAVE;
        }
        String peer = session.peerId();
        return switch (intent) {
            case NONE -> Uni.createFrom().voidItem();
            case GRACE -> scripts.run(RedisScripts.DETACH,
                            List.of(RedisKeys.peer(peer), RedisKeys.PRESENCE, RedisKeys.peerRooms(peer),
                                    RedisKeys.peerAssets(peer), RedisKeys.buffer(peer)),
                            List.of(peer, session.connId(),
                                    Long.toString(System.currentTimeMillis() + config.resumeGrace().toMillis()), recordTtl))
                    .replaceWithVoid();
            case LEAVE -> remove(peer, "leave", session.connId(), "left", "closed");
        };
    }

    private Uni<Void> remove(String peer, String mode, String arg, String roomReason, String eventReason) {
        return scripts.run(RedisScripts.REMOVE,
                        List.of(RedisKeys.PRESENCE, RedisKeys.peer(peer), RedisKeys.peerRooms(peer), RedisKeys.buffer(peer),
                                RedisKeys.peerAssets(peer)),
                        List.of(peer, mode, arg, recordTtl))
                .chain(removed -> {
                    if (removed == null) {
                        return Uni.createFrom().voidItem();
                    }
                    String site = removed.get(0).toString();
                    if (!site.isEmpty()) {
                        events.offer(PeerLeft.of(site, peer, System.currentTimeMillis(), eventReason));
                    }
                    return rooms.notifyRemoved(peer, removed, roomReason);
                });
    }

    public Uni<Void> have(PeerSession session, Have have) {
        List<String> args = new ArrayList<>(have.assets().size() + 2);
        args.add(Integer.toString(config.maxAssetsPerPeer()));
        args.add(recordTtl);
        args.addAll(have.assets());
        return scripts.run(RedisScripts.HAVE, List.of(RedisKeys.peerAssets(session.peerId())), args)
                .invoke(response -> {
                    if (response.toLong() < 0) {
                        throw new ProtocolException(ErrorCode.TOO_MANY_ASSETS,
                                "a peer announces at most " + config.maxAssetsPerPeer() + " assets");
                    }
                    session.assets().addAll(have.assets());
                    events.offer(AssetsAnnounced.of(session.site(), session.peerId(), System.currentTimeMillis(),
                            have.assets()));
                })
                .replaceWithVoid();
    }

    public Uni<Void> drop(PeerSession session, Drop drop) {
        List<String> args = new ArrayList<>(drop.assets().size() + 1);
        args.add(RedisKeys.peerAssets(session.peerId()));
        args.addAll(drop.assets());
        return redis.execute("SREM", args.toArray(String[]::new))
                .invoke(response -> {
                    drop.assets().forEach(session.assets()::remove);
                    events.offer(AssetsWithdrawn.of(session.site(), session.peerId(), System.currentTimeMillis(),
                            drop.assets()));
                })
                .replaceWithVoid();
    }

    @Scheduled(every = "${c2c.signaling.presence-refresh-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshAll() {
        List<Uni<Void>> refreshes = new ArrayList<>();
        List<PeerSession> batch = new ArrayList<>(REFRESH_BATCH);
        for (PeerSession session : sessions.peers()) {
            if (session.welcomed() && !session.connection().isClosed()) {
                batch.add(session);
                if (batch.size() == REFRESH_BATCH) {
                    refreshes.add(refresh(batch).onFailure().recoverWithNull());
                    batch = new ArrayList<>(REFRESH_BATCH);
                }
            }
        }
        if (!batch.isEmpty()) {
            refreshes.add(refresh(batch).onFailure().recoverWithNull());
        }
        awaitAll(refreshes, config.presenceRefreshInterval());
    }

    @Scheduled(every = "${c2c.signaling.sweep-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        long nowNanos = System.nanoTime();
        for (PeerSession session : sessions.all()) {
            boolean helloLate = !session.welcomed() && nowNanos - session.openedNanos() > config.helloTimeout().toNanos();
            boolean idle = nowNanos - session.lastSeenNanos() > config.idleTimeout().toNanos();
            if ((helloLate || idle) && !session.connection().isClosed()) {
                session.connection().close(new CloseReason(CloseCodes.IDLE_TIMEOUT, helloLate ? "no hello" : "idle"))
                        .subscribe().with(ok -> { }, failure -> { });
            }
        }
        try {
            String now = Long.toString(System.currentTimeMillis());
            Response due = scripts.run(RedisScripts.DUE, List.of(RedisKeys.PRESENCE), List.of(now, "200"))
                    .await().atMost(Duration.ofSeconds(5));
            List<Uni<Void>> removals = new ArrayList<>();
            for (Response peer : due) {
                removals.add(remove(peer.toString(), "expire", now, "expired", "expired").onFailure().recoverWithNull());
            }
            awaitAll(removals, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.debugf("presence sweep skipped: %s", e.getMessage());
        }
    }

    @Scheduled(every = "${c2c.signaling.event-heartbeat-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeatEvents() {
        long now = System.currentTimeMillis();
        for (PeerSession session : sessions.peers()) {
            if (session.welcomed() && !session.connection().isClosed()) {
                events.offer(heartbeat(session, now));
            }
        }
    }

    private PeerHeartbeat heartbeat(PeerSession session, long now) {
        List<String> assets = session.assets().stream().limit(config.maxAssetsPerPeer()).toList();
        return PeerHeartbeat.of(session.site(), session.peerId(), now, identity.podId(), session.network(),
                session.coordinate(), session.uploadCapacity(), session.uploadRate(), assets);
    }

    /**
     * A peer's {@code status}: kept for its heartbeats. A changed upload capacity is published at once (as a
     * heartbeat, which carries the whole peer state), so discovery stops naming a peer that stopped uploading
     * within one event, not one heartbeat interval.
     */
    public Uni<Void> status(PeerSession session, Status status) {
        Boolean capacityChanged = session.status(System.nanoTime(), config.statusMinInterval().toNanos(),
                status.uploadCapacity(), status.uploadRate(), status.coordinate());
        if (capacityChanged == null) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED,
                    "at most one status per " + config.statusMinInterval().toSeconds() + " s");
        }
        if (capacityChanged) {
            events.offer(heartbeat(session, System.currentTimeMillis()));
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * SIGTERM: readiness goes DOWN, every client gets {@code reconnect} and a 1012 close, and its
     * peer stays resumable for the grace period. Runs in Quarkus's pre-shutdown phase (shutdown delay
     * enabled), while the HTTP server and the Redis client still work.
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        drainConnections();
    }

    /** Fallback when the shutdown delay hook is not enabled; by then the HTTP server may be closing already. */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        drainConnections();
    }

    private void drainConnections() {
        if (drain.draining()) {
            return;
        }
        drain.startDraining();
        int count = 0;
        for (PeerSession session : sessions.all()) {
            count++;
            session.closeIntent(PeerSession.CloseIntent.GRACE);
            long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, config.drainTimeout().toMillis()));
            session.connection().sendText(MessageEncoder.encode(new Reconnect("shutdown", jitter)))
                    .chain(() -> session.connection().close(new CloseReason(CloseCodes.SERVICE_RESTART, "pod stopping")))
                    .subscribe().with(ok -> { }, failure -> { });
        }
        long start = System.nanoTime();
        long deadline = start + config.drainTimeout().toNanos();
        long earliestExit = start + config.drainDelay().toNanos();
        while (((sessions.size() > 0 || closing.get() > 0) && System.nanoTime() < deadline)
                || System.nanoTime() < earliestExit) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.infof("drained %d connections (%d left)", count, sessions.size());
    }

    private static void awaitAll(List<Uni<Void>> unis, Duration timeout) {
        if (unis.isEmpty()) {
            return;
        }
        try {
            Uni.join().all(unis).andCollectFailures().await().atMost(timeout);
        } catch (RuntimeException e) {
            LOG.debugf("scheduled Redis work incomplete: %s", e.getMessage());
        }
    }
}
