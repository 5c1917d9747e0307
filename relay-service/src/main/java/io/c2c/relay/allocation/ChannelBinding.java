package io.c2c.relay.allocation;

import java.net.InetSocketAddress;

/** A channel number bound to a peer transport address until {@link #expiresAt()} (RFC 8656 section 12). */
public final class ChannelBinding {

    private final int number;
    private final InetSocketAddress peer;
    private volatile long expiresAt;
    private volatile boolean removed;

    public ChannelBinding(int number, InetSocketAddress peer, long expiresAt) {
        this.number = number;
        this.peer = peer;
        this.expiresAt = expiresAt;
    }

    public int number() {
        return number;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public long expiresAt() {
        return expiresAt;
    }

    void refresh(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    /** True once the binding expired and left its allocation; a cached reference must not be used then. */
    boolean isRemoved() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }
}
