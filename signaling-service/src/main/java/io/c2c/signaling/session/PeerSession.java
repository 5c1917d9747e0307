package io.c2c.signaling.session;

import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.net.TokenBucket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One WebSocket connection on this pod and what the pod knows about its peer. Rooms and assets
 * are a copy of the Redis state (kept to rebuild Redis after it lost its data); Redis stays the
 * source of truth that other pods read.
 */
public final class PeerSession {

    /** How the peer's presence ends when its connection closes. */
    public enum CloseIntent {
        /** Keep the peer for the resume grace period (network loss, pod shutdown). */
        GRACE,
        /** Remove the peer at once (the client closed normally, or it was thrown out). */
        LEAVE,
        /** Nothing: another connection took the peer over. */
        NONE
    }

    private final WebSocketConnection connection;
    private final String connId;
    private final NetworkPosition network;
    private final long openedNanos;
    private final TokenBucket rate;
    private final TokenBucket violations;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final Set<String> assets = ConcurrentHashMap.newKeySet();
    private volatile String peerId;
    private volatile String site;
    private volatile String tokenHash;
    private volatile long uploadCapacity;
    private volatile long uploadRate;
    private volatile Coordinate coordinate;
    private volatile long lastSeenNanos;
    private volatile CloseIntent closeIntent = CloseIntent.GRACE;
    private List<String> pending = new ArrayList<>();
    private final MinInterval statsGate = new MinInterval();
    private final MinInterval statusGate = new MinInterval();
    private final SendOrder sendOrder = new SendOrder();

    public PeerSession(WebSocketConnection connection, NetworkPosition network, TokenBucket rate,
                       TokenBucket violations, long nowNanos) {
        this.connection = connection;
        this.connId = Ids.random128();
        this.network = network;
        this.openedNanos = nowNanos;
        this.lastSeenNanos = nowNanos;
        this.rate = rate;
        this.violations = violations;
    }

    void welcome(String peerId, String site, String tokenHash, long uploadCapacity) {
        this.peerId = peerId;
        this.site = site;
        this.tokenHash = tokenHash;
        this.uploadCapacity = uploadCapacity;
    }

    public boolean welcomed() {
        return peerId != null;
    }

    public WebSocketConnection connection() {
        return connection;
    }

    public String connId() {
        return connId;
    }

    public String peerId() {
        return peerId;
    }

    public String site() {
        return site;
    }

    public String tokenHash() {
        return tokenHash;
    }

    public long uploadCapacity() {
        return uploadCapacity;
    }

    public long uploadRate() {
        return uploadRate;
    }

    /** The peer's Vivaldi coordinate from its last {@code status}, or null. */
    public Coordinate coordinate() {
        return coordinate;
    }

    /**
     * Takes a {@code status} if one is allowed now (at most one per {@code minIntervalNanos}, except that a
     * capacity of 0 — the visitor stopped uploading — is always taken, so discovery hears it at once).
     *
     * @return whether the upload capacity changed, or null when refused
     */
    public synchronized Boolean status(long nowNanos, long minIntervalNanos, long capacity, long rate, Coordinate position) {
        boolean stopping = capacity == 0 && uploadCapacity != 0;
        if (!statusGate.tryTake(nowNanos, minIntervalNanos, stopping)) {
            return null;
        }
        boolean changed = capacity != uploadCapacity;
        uploadCapacity = capacity;
        uploadRate = Math.min(rate, capacity);
        if (position != null) {
            coordinate = position;
        }
        return changed;
    }

    public NetworkPosition network() {
        return network;
    }

    public Set<String> rooms() {
        return rooms;
    }

    public Set<String> assets() {
        return assets;
    }

    public long openedNanos() {
        return openedNanos;
    }

    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    public void seen(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    public TokenBucket rate() {
        return rate;
    }

    public TokenBucket violations() {
        return violations;
    }

    /**
     * Sends a message to this connection, or holds it until {@link #ready} when the welcome (and a
     * resume's buffered messages) have not been written yet, so they always come first.
     */
    public Uni<Void> send(String text) {
        synchronized (this) {
            if (pending != null) {
                if (pending.size() >= 1024) {
                    return Uni.createFrom().failure(new IllegalStateException("pending overflow"));
                }
                pending.add(text);
                return Uni.createFrom().voidItem();
            }
        }
        return connection.sendText(text);
    }

    /**
     * Like {@link #send}, without a Uni per message for the caller to subscribe: {@code done} gets null when the
     * text was written (or held for {@link #ready}), the failure otherwise. It may be called at once, on this
     * thread (a closed connection fails at once), or later on this connection's event loop.
     */
    public void write(String text, Consumer<Throwable> done) {
        send(text).subscribe().with(ok -> done.accept(null), done);
    }

    /** The order of the signals this connection sends (see {@link SendOrder}). */
    public SendOrder sendOrder() {
        return sendOrder;
    }

    /** Takes the messages held for a welcome that will not come (a failed resume); later ones are held again. */
    public synchronized List<String> takePending() {
        if (pending == null) {
            return List.of();
        }
        List<String> held = pending;
        pending = new ArrayList<>();
        return held;
    }

    /** Writes {@code first} in order, then whatever {@link #send} held back, then lets messages through directly. */
    public synchronized void ready(List<String> first) {
        for (String text : first) {
            connection.sendText(text).subscribe().with(ok -> { }, failure -> { });
        }
        for (String text : pending) {
            connection.sendText(text).subscribe().with(ok -> { }, failure -> { });
        }
        pending = null;
    }

    /** Whether a {@code stats} report may be taken now (at most one per {@code minIntervalNanos}); records it if so. */
    public synchronized boolean statsAllowed(long nowNanos, long minIntervalNanos) {
        return statsGate.tryTake(nowNanos, minIntervalNanos, false);
    }

    public CloseIntent closeIntent() {
        return closeIntent;
    }

    public void closeIntent(CloseIntent intent) {
        this.closeIntent = intent;
    }
}
