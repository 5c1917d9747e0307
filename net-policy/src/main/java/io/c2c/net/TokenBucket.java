package io.c2c.net;

/**
 * A token bucket: holds at most {@code capacity} tokens, refilled continuously at {@code perSecond}; a caller takes
 * tokens for what it lets through (a message, a packet's bytes). The clock is the caller's {@link System#nanoTime()}.
 * Not thread-safe, on purpose: each bucket belongs to one serial stream of calls (a WebSocket connection's messages,
 * a relay allocation's event loop), so the per-packet path takes no lock.
 */
public final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    /** Starts full. */
    public TokenBucket(double capacity, double perSecond, long nowNanos) {
        if (!(capacity >= 0) || !(perSecond >= 0)) {
            throw new IllegalArgumentException("capacity and rate must be >= 0: " + capacity + ", " + perSecond);
        }
        this.capacity = capacity;
        this.perNano = perSecond / 1_000_000_000d;
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /** Takes one token if there is one. */
    public boolean tryTake(long nowNanos) {
        return tryTake(1, nowNanos);
    }

    /** Takes {@code amount} tokens if there are that many; takes nothing otherwise. */
    public boolean tryTake(int amount, long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            // A timestamp older than the last one adds nothing and does not move the clock back.
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            last = nowNanos;
        }
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }
}
