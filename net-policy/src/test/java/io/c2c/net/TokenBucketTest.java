package io.c2c.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pure logic with an explicit clock: message rates (one token each) and byte budgets (a packet's bytes). */
class TokenBucketTest {

    @Test
    void burstThenSustainedRate() {
        TokenBucket bucket = new TokenBucket(3, 2, 0);
        assertTrue(bucket.tryTake(0));
        assertTrue(bucket.tryTake(0));
        assertTrue(bucket.tryTake(0));
        assertFalse(bucket.tryTake(0));
        assertFalse(bucket.tryTake(400_000_000L), "0.8 tokens after 400 ms");
        assertTrue(bucket.tryTake(500_000_000L), "1 token after 500 ms");
        int taken = 0;
        for (int i = 0; i < 10; i++) {
            taken += bucket.tryTake(60_000_000_000L) ? 1 : 0;
        }
        assertEquals(3, taken, "never more than the capacity");
    }

    @Test
    void byteBudgetWithOneSecondBurst() {
        TokenBucket bucket = new TokenBucket(1000, 1000, 0);
        assertTrue(bucket.tryTake(600, 0));
        assertTrue(bucket.tryTake(400, 0));
        assertFalse(bucket.tryTake(1, 0));
        assertTrue(bucket.tryTake(500, 500_000_000L), "half a second refills half");
        assertFalse(bucket.tryTake(100, 500_000_000L));
        assertFalse(bucket.tryTake(1001, 10_000_000_000L), "more than the capacity never passes");
        assertTrue(bucket.tryTake(1000, 10_000_000_000L));
    }

    @Test
    void aRefusalTakesNothing() {
        TokenBucket bucket = new TokenBucket(100, 0, 0);
        assertFalse(bucket.tryTake(101, 0));
        assertTrue(bucket.tryTake(100, 0), "the refused take left the tokens alone");
    }

    @Test
    void anOlderTimestampNeitherRefillsNorMovesTheClockBack() {
        TokenBucket bucket = new TokenBucket(10, 10, 1_000_000_000L);
        assertTrue(bucket.tryTake(10, 1_000_000_000L));
        assertFalse(bucket.tryTake(1, 500_000_000L));
        assertFalse(bucket.tryTake(6, 1_500_000_000L), "5 tokens since the newest timestamp, not 10");
        assertTrue(bucket.tryTake(5, 1_500_000_000L));
    }

    /** Over any run, what passes is at most the capacity plus the rate times the time (random sizes and gaps). */
    @Test
    void neverPassesMoreThanCapacityPlusRate() {
        Random random = new Random(3);
        for (int run = 0; run < 50; run++) {
            double capacity = 1_500 + random.nextInt(10_000);
            double perSecond = random.nextInt(100_000);
            TokenBucket bucket = new TokenBucket(capacity, perSecond, 0);
            long now = 0;
            long passed = 0;
            for (int i = 0; i < 2_000; i++) {
                now += random.nextInt(2_000_000);
                int amount = 1 + random.nextInt(1_500);
                if (bucket.tryTake(amount, now)) {
                    passed += amount;
                }
            }
            double bound = capacity + perSecond * now / 1e9;
            assertTrue(passed <= bound + 1e-6, "passed " + passed + " > " + bound);
            if (perSecond > 0 && now > 0) {
                assertTrue(passed > 0, "a bucket with a rate lets something through");
            }
        }
    }

    @Test
    void refusesNegativeSettings() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(-1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, Double.NaN, 0));
    }
}
