package io.c2c.relay.auth;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-source-IP limit on how many 401 answers the server sends each second, so a flood of
 * unauthenticated requests (or a reflection attempt with spoofed sources) cannot make the relay
 * amplify traffic. Bounded memory: the table is cleared when it grows past its cap.
 */
public final class SourceRateLimiter {

    private static final int MAX_SOURCES = 65_536;

    private final int perSecond;
    private final ConcurrentHashMap<InetAddress, long[]> windows = new ConcurrentHashMap<>();

    public SourceRateLimiter(int perSecond) {
        this.perSecond = perSecond;
    }

    /** True if one more answer to {@code source} fits in the current one-second window. */
    public boolean tryAcquire(InetAddress source, long nowMillis) {
        if (windows.size() > MAX_SOURCES) {
            windows.clear();
        }
        long second = nowMillis / 1000;
        long[] window = windows.computeIfAbsent(source, s -> new long[] {second, 0});
        synchronized (window) {
            if (window[0] != second) {
                window[0] = second;
                window[1] = 0;
            }
            return ++window[1] <= perSecond;
        }
    }
}
