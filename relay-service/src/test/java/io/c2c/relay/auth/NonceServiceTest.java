package io.c2c.relay.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Stateless nonces with a controllable clock (pure logic). */
class NonceServiceTest {

    private final MutableClock clock = new MutableClock();
    private final NonceService nonces = new NonceService(Duration.ofSeconds(60), clock);

    @Test
    void validThenStale() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.10");
        String nonce = nonces.issue(client);
        assertEquals(NonceService.Check.VALID, nonces.check(nonce, client));
        clock.advance(59_000);
        assertEquals(NonceService.Check.VALID, nonces.check(nonce, client));
        clock.advance(2_000);
        assertEquals(NonceService.Check.STALE, nonces.check(nonce, client));
    }

    @Test
    void boundToTheClientAndUnforgeable() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.10");
        String nonce = nonces.issue(client);
        assertEquals(NonceService.Check.INVALID, nonces.check(nonce, InetAddress.getByName("192.0.2.11")));
        // Pushing the expiry forward breaks the MAC.
        String forged = Long.toHexString(Long.parseLong(nonce.substring(0, nonce.indexOf('-')), 16) + 100_000)
                + nonce.substring(nonce.indexOf('-'));
        assertEquals(NonceService.Check.INVALID, nonces.check(forged, client));
        assertEquals(NonceService.Check.INVALID, nonces.check("garbage", client));
        assertEquals(NonceService.Check.INVALID, nonces.check("-", client));
        assertEquals(NonceService.Check.INVALID, nonces.check("zz-abc", client));
        assertNotEquals(nonce, new NonceService(Duration.ofSeconds(60), clock).issue(client), "per-process key");
    }

    @Test
    void rateLimiterAllowsPerSecondPerSource() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(3);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += limiter.tryAcquire(a, 5_000) ? 1 : 0;
        }
        assertEquals(3, allowed);
        assertEquals(true, limiter.tryAcquire(b, 5_000), "other sources are not affected");
        assertEquals(true, limiter.tryAcquire(a, 6_000), "the next second opens again");
    }

    static final class MutableClock extends Clock {
        private long millis = 1_700_000_000_000L;

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
