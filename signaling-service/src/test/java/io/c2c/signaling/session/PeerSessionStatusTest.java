package io.c2c.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.net.TokenBucket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code status} gate: one per interval, a stop to uploading always taken, the load never above the capacity. */
class PeerSessionStatusTest {

    static final long SECOND = 1_000_000_000L;
    static final long INTERVAL = 10 * SECOND;
    static final Coordinate HERE = new Coordinate(List.of(1.0, 2.0), 0.5, 0.3);

    PeerSession session = new PeerSession(null, NetworkPosition.UNKNOWN, new TokenBucket(1, 1, 0), new TokenBucket(1, 1, 0), 0);

    @Test
    void theFirstStatusIsTakenAndTellsWhetherTheCapacityChanged() {
        session.welcome("p", "s", "t", 100);
        assertEquals(Boolean.FALSE, session.status(0, INTERVAL, 100, 5, HERE));
        assertEquals(HERE, session.coordinate());
        assertEquals(5, session.uploadRate());
        assertEquals(Boolean.TRUE, session.status(INTERVAL, INTERVAL, 200, 5, null));
        assertEquals(200, session.uploadCapacity());
        assertEquals(HERE, session.coordinate(), "a status without a coordinate keeps the last one");
    }

    @Test
    void aSecondStatusInsideTheIntervalIsRefusedUnlessItStopsUploading() {
        session.welcome("p", "s", "t", 100);
        assertEquals(Boolean.TRUE, session.status(0, INTERVAL, 300, 0, null));
        assertNull(session.status(SECOND, INTERVAL, 400, 0, HERE));
        assertEquals(300, session.uploadCapacity(), "a refused status changes nothing");
        assertNull(session.coordinate());
        assertEquals(Boolean.TRUE, session.status(2 * SECOND, INTERVAL, 0, 50, null));
        assertEquals(0, session.uploadCapacity());
        assertEquals(0, session.uploadRate(), "the load never exceeds the capacity");
        // once stopped, a stop again is an ordinary status: rate-limited
        assertNull(session.status(3 * SECOND, INTERVAL, 0, 0, null));
        assertNull(session.status(4 * SECOND, INTERVAL, 500, 0, null));
        assertFalse(session.status(12 * SECOND, INTERVAL, 0, 0, HERE));
        assertTrue(session.status(22 * SECOND, INTERVAL, 500, 0, HERE));
    }
}
