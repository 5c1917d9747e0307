package io.c2c.relay.allocation;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Relay ports from a configured range, picked at random (RFC 8656 section 7.2 asks for
 * unpredictable ports), as datagram channels registered on the event loop of the client they
 * serve. Called on that event loop, registration and bind complete inline, so an Allocate answer
 * always names a port that is really bound; ports taken by other processes are skipped.
 */
public final class RelayPortPool {

    private static final int MAX_ATTEMPTS = 64;

    /** A port held back for a later Allocate with a RESERVATION-TOKEN (RFC 8656 section 7.2). */
    private record Reservation(Channel channel, long expiresAt) {
    }

    private final InetAddress bindAddress;
    private final int minPort;
    private final int maxPort;
    private final Supplier<Channel> channels;
    private final Set<Integer> inUse = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Long, Reservation> reservations = new ConcurrentHashMap<>();

    /**
     * @param channels makes a new, unregistered datagram channel (NIO or epoll, matching the event loops)
     */
    public RelayPortPool(InetAddress bindAddress, int minPort, int maxPort, Supplier<Channel> channels) {
        if (minPort < 1 || maxPort > 65535 || minPort > maxPort) {
            throw new IllegalArgumentException("bad relay port range " + minPort + "-" + maxPort);
        }
        this.bindAddress = bindAddress;
        this.minPort = minPort;
        this.maxPort = maxPort;
        this.channels = channels;
    }

    /** A channel on {@code loop} bound to a free (even, if asked) port of the range, or null when none could be bound. */
    public Channel bind(EventLoop loop, boolean even) {
        int size = maxPort - minPort + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0, attempts = 0; i < size && attempts < MAX_ATTEMPTS; i++) {
            int port = minPort + (start + i) % size;
            if (even && (port & 1) != 0) {
                continue;
            }
            if (inUse.contains(port)) {
                continue;
            }
            attempts++;
            Channel channel = bindPort(loop, port);
            if (channel != null) {
                return channel;
            }
        }
        return null;
    }

    /**
     * Binds an even port and holds the next (odd) one back under a random token, for clients that
     * want an RTP/RTCP-style pair; null if no such pair is free. {@code holder[0]} receives the token.
     */
    public Channel bindPair(EventLoop loop, long[] holder, long reservationMillis, long now) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Channel even = bind(loop, true);
            if (even == null) {
                return null;
            }
            int port = port(even);
            Channel odd = port < maxPort ? bindPort(loop, port + 1) : null;
            if (odd != null) {
                long token;
                do {
                    token = ThreadLocalRandom.current().nextLong();
                } while (reservations.putIfAbsent(token, new Reservation(odd, now + reservationMillis)) != null);
                holder[0] = token;
                return even;
            }
            even.close();
            release(port);
        }
        return null;
    }

    /** The channel reserved under {@code token}, taken out of the reservations, or null. */
    public Channel takeReservation(long token) {
        Reservation r = reservations.remove(token);
        return r == null ? null : r.channel();
    }

    /** Frees reservations nobody claimed in time. */
    public void expireReservations(long now) {
        reservations.entrySet().removeIf(e -> {
            if (e.getValue().expiresAt() > now) {
                return false;
            }
            // The port is read before the close: a closed NIO channel no longer knows its local address.
            int port = port(e.getValue().channel());
            e.getValue().channel().close();
            release(port);
            return true;
        });
    }

    public void release(int port) {
        inUse.remove(port);
    }

    public int inUse() {
        return inUse.size();
    }

    public static int port(Channel channel) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private Channel bindPort(EventLoop loop, int port) {
        if (!inUse.add(port)) {
            return null;
        }
        Channel channel = channels.get();
        ChannelFuture registered = loop.register(channel);
        if (!loop.inEventLoop()) {
            registered.awaitUninterruptibly();
        }
        if (registered.isDone() && registered.isSuccess()) {
            ChannelFuture bound = channel.bind(new InetSocketAddress(bindAddress, port));
            if (!loop.inEventLoop()) {
                bound.awaitUninterruptibly();
            }
            if (bound.isDone() && bound.isSuccess()) {
                return channel;
            }
        }
        // Taken by another process (or the bind failed otherwise): the caller tries another port.
        channel.close();
        inUse.remove(port);
        return null;
    }
}
