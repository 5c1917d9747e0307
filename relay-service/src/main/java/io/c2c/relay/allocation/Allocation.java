package io.c2c.relay.allocation;

import io.c2c.net.TokenBucket;
import io.netty.channel.Channel;
import io.netty.channel.unix.Socket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One TURN allocation (RFC 8656 section 2.2): the client's 5-tuple, the relayed transport address
 * and its socket, the credentials it was made with, its permissions (peer IP to expiry) and
 * channel bindings, and its byte counters. Hot-path lookups are plain map reads; expiry is
 * enforced by the manager's sweep.
 */
public final class Allocation {

    /** Bounds the per-allocation state a client can make the server hold. */
    public static final int MAX_PERMISSIONS = 1024;

    private final FiveTuple fiveTuple;
    private final ClientConnection client;
    private final String username;
    private final String site;
    private final byte[] key;
    private final InetSocketAddress relayedAddress;
    private final Channel relayChannel;
    /** The relay channel's socket for {@link DirectSend}, null when it cannot take direct sends. */
    private final Socket relaySocket;
    private final boolean ipv6;
    private final ConcurrentHashMap<InetAddress, Long> permissions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, ChannelBinding> channelsByNumber = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetSocketAddress, ChannelBinding> channelsByPeer = new ConcurrentHashMap<>();
    /**
     * The binding the hot path used last (either direction). A client usually relays through one
     * channel at a time, so this saves the map look-up, and the boxing of the channel number, per packet.
     */
    private volatile ChannelBinding recentChannel;
    /**
     * Bandwidth caps per direction, one-second burst; null when unlimited. Only the client's event loop
     * touches them (its relay socket is bound on that loop too), so they take no lock.
     */
    private final TokenBucket toPeerBudget;
    private final TokenBucket toClientBudget;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final boolean unlimited;
    final LongAdder bytesToPeer = new LongAdder();
    final LongAdder bytesToClient = new LongAdder();
    private volatile long expiresAt;
    private volatile byte[] allocateTransactionId;
    private volatile byte[] allocateResponse;

    public Allocation(FiveTuple fiveTuple, ClientConnection client, String username, String site, byte[] key,
                      InetSocketAddress relayedAddress, Channel relayChannel, long expiresAt, long bandwidth) {
        this.fiveTuple = fiveTuple;
        this.client = client;
        this.username = username;
        this.site = site;
        this.key = key;
        this.relayedAddress = relayedAddress;
        this.relayChannel = relayChannel;
        this.relaySocket = DirectSend.socketOf(relayChannel);
        this.ipv6 = relayedAddress.getAddress() instanceof Inet6Address;
        this.expiresAt = expiresAt;
        long now = System.nanoTime();
        this.unlimited = bandwidth <= 0;
        this.toPeerBudget = unlimited ? null : new TokenBucket(bandwidth, bandwidth, now);
        this.toClientBudget = unlimited ? null : new TokenBucket(bandwidth, bandwidth, now);
    }

    public FiveTuple fiveTuple() {
        return fiveTuple;
    }

    public ClientConnection client() {
        return client;
    }

    public String username() {
        return username;
    }

    public String site() {
        return site;
    }

    /** The long-term key the allocation was authenticated with (RFC 8489 allows caching it). */
    public byte[] key() {
        return key;
    }

    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    /**
     * True if {@code peer} is of the relayed address's family: an IPv6 relayed address (RFC 6156) relays
     * to IPv6 peers only, an IPv4 one to IPv4 peers (else 443, RFC 8656 section 9.1).
     */
    public boolean sameFamily(InetAddress peer) {
        return (peer instanceof Inet6Address) == ipv6;
    }

    public Channel relayChannel() {
        return relayChannel;
    }

    /** The relay channel's socket for {@link DirectSend}, or null. */
    public Socket relaySocket() {
        return relaySocket;
    }

    public long expiresAt() {
        return expiresAt;
    }

    public void refresh(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Marks the allocation closed; true only for the first caller. */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    public boolean hasPermission(InetAddress peer) {
        return permissions.containsKey(peer);
    }

    /** Installs or refreshes a permission; false if the allocation already holds the maximum. */
    public boolean permit(InetAddress peer, long expiresAt) {
        if (permissions.size() >= MAX_PERMISSIONS && !permissions.containsKey(peer)) {
            return false;
        }
        permissions.put(peer, expiresAt);
        return true;
    }

    public int permissionCount() {
        return permissions.size();
    }

    public ChannelBinding channel(int number) {
        ChannelBinding recent = recentChannel;
        if (recent != null && recent.number() == number && !recent.isRemoved()) {
            return recent;
        }
        ChannelBinding binding = channelsByNumber.get(number);
        if (binding != null) {
            recentChannel = binding;
        }
        return binding;
    }

    public ChannelBinding channelFor(InetSocketAddress peer) {
        ChannelBinding recent = recentChannel;
        if (recent != null && recent.peer().equals(peer) && !recent.isRemoved()) {
            return recent;
        }
        ChannelBinding binding = channelsByPeer.get(peer);
        if (binding != null) {
            recentChannel = binding;
        }
        return binding;
    }

    public int channelCount() {
        return channelsByNumber.size();
    }

    /**
     * Binds {@code number} to {@code peer} or refreshes that same binding. False if the number is
     * bound to another peer or the peer to another number (RFC 8656 section 11.2: 400).
     */
    public synchronized boolean bindChannel(int number, InetSocketAddress peer, long expiresAt) {
        ChannelBinding byNumber = channelsByNumber.get(number);
        ChannelBinding byPeer = channelsByPeer.get(peer);
        if (byNumber != null || byPeer != null) {
            if (byNumber != byPeer) {
                return false;
            }
            byNumber.refresh(expiresAt);
            return true;
        }
        ChannelBinding binding = new ChannelBinding(number, peer, expiresAt);
        channelsByNumber.put(number, binding);
        channelsByPeer.put(peer, binding);
        return true;
    }

    /** Drops permissions and channels whose time is up; returns how many of each went. */
    synchronized int[] expire(long now) {
        int[] removed = new int[2];
        permissions.entrySet().removeIf(e -> {
            boolean old = e.getValue() <= now;
            if (old) {
                removed[0]++;
            }
            return old;
        });
        channelsByNumber.values().removeIf(b -> {
            boolean old = b.expiresAt() <= now;
            if (old) {
                b.markRemoved();
                channelsByPeer.remove(b.peer(), b);
                removed[1]++;
            }
            return old;
        });
        return removed;
    }

    public boolean allowToPeer(int bytes) {
        return unlimited || toPeerBudget.tryTake(bytes, System.nanoTime());
    }

    public boolean allowToClient(int bytes) {
        return unlimited || toClientBudget.tryTake(bytes, System.nanoTime());
    }

    public void countToPeer(int bytes) {
        bytesToPeer.add(bytes);
    }

    public void countToClient(int bytes) {
        bytesToClient.add(bytes);
    }

    /** Remembers the Allocate success answer so a retransmitted request gets the same answer. */
    public void rememberAllocate(byte[] transactionId, byte[] response) {
        this.allocateTransactionId = transactionId;
        this.allocateResponse = response;
    }

    /** The stored Allocate answer if {@code transactionId} is the one that created this allocation. */
    public byte[] allocateResponseFor(byte[] transactionId) {
        byte[] id = allocateTransactionId;
        return id != null && java.util.Arrays.equals(id, transactionId) ? allocateResponse : null;
    }
}
