package io.c2c.relay.allocation;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Relay ports from a configured range, picked at random (RFC 8656 section 7.2 asks for
 * unpredictable ports) and bound synchronously, so an Allocate answer always names a port that
 * is really ours. Ports taken by other processes are skipped.
 */
public final class RelayPortPool {

    private static final int MAX_ATTEMPTS = 64;

    private final InetAddress bindAddress;
    private final int minPort;
    private final int maxPort;
    private final Set<Integer> inUse = ConcurrentHashMap.newKeySet();

    public RelayPortPool(InetAddress bindAddress, int minPort, int maxPort) {
        if (minPort < 1 || maxPort > 65535 || minPort > maxPort) {
            throw new IllegalArgumentException("bad relay port range " + minPort + "-" + maxPort);
        }
        this.bindAddress = bindAddress;
        this.minPort = minPort;
        this.maxPort = maxPort;
    }

    /** A port held back for a later Allocate with a RESERVATION-TOKEN (RFC 8656 section 7.2). */
    private record Reservation(DatagramChannel channel, long expiresAt) {
    }

    private final ConcurrentHashMap<Long, Reservation> reservations = new ConcurrentHashMap<>();

    /**
     * Binds an even port and holds the next (odd) one back under a random token, for clients that
     * want an RTP/RTCP-style pair; null if no such pair is free. {@code holder[0]} receives the token.
     */
    public DatagramChannel bindPair(long[] holder, long reservationMillis, long now) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            DatagramChannel even = bind(true);
            if (even == null) {
                return null;
            }
            int port = even.socket().getLocalPort();
            DatagramChannel odd = port < maxPort ? bindPort(port + 1) : null;
            if (odd != null) {
                long token;
                do {
                    token = ThreadLocalRandom.current().nextLong();
                } while (reservations.putIfAbsent(token, new Reservation(odd, now + reservationMillis)) != null);
                holder[0] = token;
                return even;
            }
            closeQuietly(even);
            release(port);
        }
        return null;
    }

    /** The channel reserved under {@code token}, taken out of the reservations, or null. */
    public DatagramChannel takeReservation(long token) {
        Reservation r = reservations.remove(token);
        return r == null ? null : r.channel();
    }

    /** Frees reservations nobody claimed in time. */
    public void expireReservations(long now) {
        reservations.entrySet().removeIf(e -> {
            if (e.getValue().expiresAt() > now) {
                return false;
            }
            int port = e.getValue().channel().socket().getLocalPort();
            closeQuietly(e.getValue().channel());
            release(port);
            return true;
        });
    }

    private DatagramChannel bindPort(int port) {
        if (!inUse.add(port)) {
            return null;
        }
        DatagramChannel channel = null;
        try {
            channel = open();
            channel.bind(new InetSocketAddress(bindAddress, port));
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            inUse.remove(port);
            return null;
        }
    }

    private DatagramChannel open() throws IOException {
        return DatagramChannel.open(bindAddress.getAddress().length == 4
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
    }

    /** A UDP channel bound to a free port of the range, or null when none could be bound. */
    public DatagramChannel bind(boolean even) {
        int size = maxPort - minPort + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0, attempts = 0; i < size && attempts < MAX_ATTEMPTS; i++) {
            int port = minPort + (start + i) % size;
            if ((even && (port & 1) != 0) || !inUse.add(port)) {
                continue;
            }
            attempts++;
            DatagramChannel channel = null;
            try {
                channel = open();
                channel.bind(new InetSocketAddress(bindAddress, port));
                return channel;
            } catch (BindException taken) {
                closeQuietly(channel);
                inUse.remove(port);
            } catch (IOException e) {
                closeQuietly(channel);
                inUse.remove(port);
                return null;
            }
        }
        return null;
    }

    public void release(int port) {
        inUse.remove(port);
    }

    public int inUse() {
        return inUse.size();
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do: the port was never ours
            }
        }
    }
}
