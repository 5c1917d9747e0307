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
                channel = DatagramChannel.open(bindAddress.getAddress().length == 4
                        ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
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
