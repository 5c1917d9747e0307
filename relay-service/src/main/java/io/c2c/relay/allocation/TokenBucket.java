package io.c2c.relay.allocation;

/**
 * Bytes-per-second cap with a one-second burst. Per allocation and direction; the owning event
 * loop is the only caller in practice, the lock only guards against a stray second thread.
 */
public final class TokenBucket {

    private final long bytesPerSecond;
    private double tokens;
    private long lastNanos;

    public TokenBucket(long bytesPerSecond, long nowNanos) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
        this.lastNanos = nowNanos;
    }

    /** True if {@code bytes} may pass now (and takes them); always true when unlimited. */
    public boolean tryTake(int bytes, long nowNanos) {
        // Unlimited buckets skip the lock: this runs for every relayed packet.
        return bytesPerSecond <= 0 || take(bytes, nowNanos);
    }

    private synchronized boolean take(int bytes, long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(bytesPerSecond, tokens + elapsed * (bytesPerSecond / 1e9));
            lastNanos = nowNanos;
        }
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
