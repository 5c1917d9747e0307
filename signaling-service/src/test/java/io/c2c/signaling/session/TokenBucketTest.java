package io.c2c.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Pure logic with an explicit clock, no Quarkus. */
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
}
