package io.c2c.relay.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.Test;

/** Quota bookkeeping, the bandwidth cap, and the relay port pool on loopback. */
class AllocationManagerTest {

    private final AllocationManager manager = new AllocationManager(2, 3, 4,
            new RelayPortPool(InetAddress.getLoopbackAddress(), 42000, 42010, NioDatagramChannel::new), a -> { });

    @Test
    void quotasPerUserSiteAndNode() {
        assertEquals(AllocationManager.Reservation.OK, manager.reserve("u1", "s1"));
        assertEquals(AllocationManager.Reservation.OK, manager.reserve("u1", "s1"));
        assertEquals(AllocationManager.Reservation.USER_QUOTA, manager.reserve("u1", "s1"));
        assertEquals(AllocationManager.Reservation.OK, manager.reserve("u2", "s1"));
        assertEquals(AllocationManager.Reservation.SITE_QUOTA, manager.reserve("u3", "s1"));
        assertEquals(AllocationManager.Reservation.OK, manager.reserve("u3", "s2"));
        assertEquals(AllocationManager.Reservation.NODE_CAPACITY, manager.reserve("u4", "s3"));
        assertEquals(4, manager.count());
        manager.release("u1", "s1");
        assertEquals(AllocationManager.Reservation.OK, manager.reserve("u4", "s3"));
        manager.drain();
        manager.release("u4", "s3");
        assertEquals(AllocationManager.Reservation.DRAINING, manager.reserve("u5", "s5"));
        assertTrue(manager.isDraining());
    }

    /** The bucket's arithmetic is tested in net-policy; this is the relay's use of it. */
    @Test
    void bandwidthCapIsPerDirectionWithAOneSecondBurstAndZeroIsUnlimited() {
        Allocation capped = allocation(1000);
        long start = System.nanoTime();
        assertTrue(capped.allowToPeer(600));
        assertTrue(capped.allowToPeer(400));
        boolean spent = !capped.allowToPeer(1000);
        // The budget refills at 1000 B/s: only a stall of a whole second between the calls could refill it.
        assertTrue(spent || System.nanoTime() - start >= 1_000_000_000L, "the second's budget is spent");
        assertTrue(capped.allowToClient(1000), "the other direction has its own budget");
        assertFalse(capped.allowToClient(1001), "never more than one second's worth at once");
        Allocation unlimited = allocation(0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(unlimited.allowToPeer(65_535) && unlimited.allowToClient(65_535), "0 = unlimited");
        }
    }

    private static Allocation allocation(long bandwidth) {
        FiveTuple tuple = new FiveTuple(Transport.UDP, new InetSocketAddress("127.0.0.1", 5000),
                new InetSocketAddress("127.0.0.1", 3478));
        return new Allocation(tuple, null, "u", "s", new byte[16], new InetSocketAddress("127.0.0.1", 42001),
                null, Long.MAX_VALUE, bandwidth);
    }

    /** Binds real loopback sockets on a private event loop, as the server does on a client's loop. */
    @Test
    void portPoolBindsInRangeAndReleases() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            bindAndRelease(group.next());
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private void bindAndRelease(io.netty.channel.EventLoop loop) throws Exception {
        RelayPortPool pool = manager.ports();
        var channel = pool.bind(loop, true);
        int port = RelayPortPool.port(channel);
        assertTrue(port >= 42000 && port <= 42010 && port % 2 == 0, "even port in range: " + port);
        assertEquals(1, pool.inUse());
        channel.close().sync();
        pool.release(port);
        assertEquals(0, pool.inUse());
        long[] token = {0};
        var pair = pool.bindPair(loop, token, 1000, 0);
        assertEquals(2, pool.inUse(), "the next port is held back");
        var reserved = pool.takeReservation(token[0]);
        assertEquals(RelayPortPool.port(pair) + 1, RelayPortPool.port(reserved));
        assertEquals(null, pool.takeReservation(token[0]), "a token is used once");
        pair.close().sync();
        reserved.close().sync();
        long[] expiring = {0};
        var another = pool.bindPair(loop, expiring, 1000, 0);
        pool.expireReservations(1000);
        assertEquals(null, pool.takeReservation(expiring[0]), "an unclaimed reservation expires");
        another.close().sync();
    }
}
