package io.c2c.relay.allocation;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * All allocations of this node by 5-tuple, with the quotas (per user, per site, per node), the
 * draining flag and the sweep that ends expired allocations, permissions and channels. Closing
 * an allocation releases its port and quota slots exactly once, whoever closes it.
 */
public final class AllocationManager {

    /** Outcome of reserving quota for a new allocation. */
    public enum Reservation { OK, USER_QUOTA, SITE_QUOTA, NODE_CAPACITY, DRAINING }

    private final ConcurrentHashMap<FiveTuple, Allocation> allocations = new ConcurrentHashMap<>();
    /**
     * UDP allocations by client address alone, so that the UDP hot path finds an allocation from a
     * datagram's source without building a {@link FiveTuple}. A node has one UDP listener per address
     * family and a client address has one family, so the client address and the 5-tuple name the same
     * allocation; {@link #register} enforces it.
     */
    private final ConcurrentHashMap<InetSocketAddress, Allocation> udpByClient = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> perSite = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile InetSocketAddress alternate;
    private final LongAdder closedBytesToPeer = new LongAdder();
    private final LongAdder closedBytesToClient = new LongAdder();
    private final int maxPerUser;
    private final int maxPerSite;
    private final int maxPerNode;
    private final RelayPortPool ports;
    private final RelayPortPool portsV6;
    private final Consumer<Allocation> onClose;

    /** A manager of IPv4 relayed addresses only. */
    public AllocationManager(int maxPerUser, int maxPerSite, int maxPerNode, RelayPortPool ports,
                             Consumer<Allocation> onClose) {
        this(maxPerUser, maxPerSite, maxPerNode, ports, null, onClose);
    }

    /**
     * @param ports   relay ports of IPv4 allocations
     * @param portsV6 relay ports of IPv6 allocations (RFC 6156), or null when IPv6 relaying is off
     */
    public AllocationManager(int maxPerUser, int maxPerSite, int maxPerNode, RelayPortPool ports,
                             RelayPortPool portsV6, Consumer<Allocation> onClose) {
        this.maxPerUser = maxPerUser;
        this.maxPerSite = maxPerSite;
        this.maxPerNode = maxPerNode;
        this.ports = ports;
        this.portsV6 = portsV6;
        this.onClose = onClose;
    }

    /** The IPv4 relay ports. */
    public RelayPortPool ports() {
        return ports;
    }

    /** The relay ports of one address family; null for IPv6 when IPv6 relaying is off. */
    public RelayPortPool ports(boolean ipv6) {
        return ipv6 ? portsV6 : ports;
    }

    public Allocation get(FiveTuple fiveTuple) {
        return allocations.get(fiveTuple);
    }

    /** The UDP allocation of the client at {@code client} (on this node's one UDP listener), or null. */
    public Allocation getUdp(InetSocketAddress client) {
        return udpByClient.get(client);
    }

    public Collection<Allocation> all() {
        return allocations.values();
    }

    public int count() {
        return total.get();
    }

    public boolean isDraining() {
        return draining.get();
    }

    /**
     * Where a new allocation should go while this node drains (another live node that is not draining, as the
     * node registry last saw it), or null to refuse with 508 instead of redirecting with 300.
     */
    public InetSocketAddress alternate() {
        return alternate;
    }

    public void alternate(InetSocketAddress node) {
        this.alternate = node;
    }

    public void drain() {
        draining.set(true);
    }

    /** Takes allocations again after a drain was called off. */
    public void resume() {
        draining.set(false);
    }

    /** Takes one quota slot for user and site; release with {@link #release} unless registered. */
    public synchronized Reservation reserve(String username, String site) {
        if (draining.get()) {
            return Reservation.DRAINING;
        }
        if (total.incrementAndGet() > maxPerNode) {
            total.decrementAndGet();
            return Reservation.NODE_CAPACITY;
        }
        AtomicInteger user = perUser.computeIfAbsent(username, u -> new AtomicInteger());
        if (user.incrementAndGet() > maxPerUser) {
            decrement(perUser, username);
            total.decrementAndGet();
            return Reservation.USER_QUOTA;
        }
        AtomicInteger s = perSite.computeIfAbsent(site, x -> new AtomicInteger());
        if (s.incrementAndGet() > maxPerSite) {
            decrement(perSite, site);
            decrement(perUser, username);
            total.decrementAndGet();
            return Reservation.SITE_QUOTA;
        }
        return Reservation.OK;
    }

    /** Gives back a slot taken by {@link #reserve} for an allocation that was never registered. */
    public synchronized void release(String username, String site) {
        decrement(perUser, username);
        decrement(perSite, site);
        total.decrementAndGet();
    }

    /** Registers an allocation whose quota was reserved; false (and nothing registered) if the 5-tuple is taken. */
    public boolean register(Allocation allocation) {
        FiveTuple key = allocation.fiveTuple();
        if (allocations.putIfAbsent(key, allocation) != null) {
            return false;
        }
        if (key.transport() == Transport.UDP && udpByClient.putIfAbsent(key.client(), allocation) != null) {
            // Same client address through another UDP listener address: refused, so the index stays unambiguous.
            allocations.remove(key, allocation);
            return false;
        }
        return true;
    }

    /** Ends an allocation: unregisters it, closes its socket, frees port and quota. Idempotent. */
    public void close(Allocation allocation) {
        if (!allocation.markClosed()) {
            return;
        }
        allocations.remove(allocation.fiveTuple(), allocation);
        udpByClient.remove(allocation.fiveTuple().client(), allocation);
        release(allocation.username(), allocation.site());
        closedBytesToPeer.add(allocation.bytesToPeer.sum());
        closedBytesToClient.add(allocation.bytesToClient.sum());
        allocation.relayChannel().close();
        ports(allocation.relayedAddress().getAddress() instanceof Inet6Address)
                .release(allocation.relayedAddress().getPort());
        onClose.accept(allocation);
    }

    /** Ends expired allocations and drops expired permissions and channels; returns allocations ended. */
    public int sweep(long now) {
        ports.expireReservations(now);
        if (portsV6 != null) {
            portsV6.expireReservations(now);
        }
        int ended = 0;
        for (Allocation a : allocations.values()) {
            if (a.expiresAt() <= now) {
                close(a);
                ended++;
            } else {
                a.expire(now);
            }
        }
        return ended;
    }

    public long permissions() {
        long n = 0;
        for (Allocation a : allocations.values()) {
            n += a.permissionCount();
        }
        return n;
    }

    public long channels() {
        long n = 0;
        for (Allocation a : allocations.values()) {
            n += a.channelCount();
        }
        return n;
    }

    /** Bytes relayed since start, both directions, live and ended allocations. */
    public long totalBytes() {
        long n = closedBytesToPeer.sum() + closedBytesToClient.sum();
        for (Allocation a : allocations.values()) {
            n += a.bytesToPeer.sum() + a.bytesToClient.sum();
        }
        return n;
    }

    private static void decrement(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
        counts.computeIfPresent(key, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }
}
