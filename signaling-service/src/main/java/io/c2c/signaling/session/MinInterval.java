package io.c2c.signaling.session;

/**
 * "At most one per interval" for a connection's periodic reports ({@code stats}, {@code status}): the first is
 * always taken, each later one only when the interval has passed since the last taken. Not thread-safe: the owner
 * synchronizes.
 */
final class MinInterval {

    private long lastNanos;
    private boolean taken;

    /** Whether one may be taken at {@code nowNanos} ({@code force} takes it regardless); records it if so. */
    boolean tryTake(long nowNanos, long intervalNanos, boolean force) {
        if (taken && nowNanos - lastNanos < intervalNanos && !force) {
            return false;
        }
        taken = true;
        lastNanos = nowNanos;
        return true;
    }
}
