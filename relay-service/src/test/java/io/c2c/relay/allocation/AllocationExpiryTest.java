package io.c2c.relay.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Permission and channel lifetimes and the manager's sweep, with explicit times (pure logic: an
 * embedded channel stands in for the relay socket, nothing touches the network).
 */
class AllocationExpiryTest {

    private final AllocationManager manager = new AllocationManager(10, 10, 10,
            new RelayPortPool(InetAddress.getLoopbackAddress(), 42000, 42010, EmbeddedChannel::new), a -> { });

    private Allocation allocation(long expiresAt) {
        FiveTuple tuple = new FiveTuple(Transport.UDP, new InetSocketAddress("127.0.0.1", 5000),
                new InetSocketAddress("127.0.0.1", 3478));
        assertEquals(AllocationManager.Reservation.OK, manager.reserve("u", "s"));
        Allocation a = new Allocation(tuple, null, "u", "s", new byte[16], new InetSocketAddress("127.0.0.1", 42001),
                new EmbeddedChannel(), expiresAt, 0);
        assertTrue(manager.register(a));
        return a;
    }

    @Test
    void permissionsAndChannelsExpireOnTheirOwnClocks() throws Exception {
        Allocation a = allocation(1_000_000);
        InetAddress peer = InetAddress.getByName("127.0.0.1");
        InetSocketAddress peerPort = new InetSocketAddress(peer, 7000);
        assertTrue(a.permit(peer, 300_000));
        assertTrue(a.bindChannel(0x4000, peerPort, 600_000));
        assertFalse(a.bindChannel(0x4001, peerPort, 600_000), "a peer is bound to one channel");
        assertFalse(a.bindChannel(0x4000, new InetSocketAddress(peer, 7001), 600_000), "a channel to one peer");
        assertTrue(a.bindChannel(0x4000, peerPort, 600_000), "rebinding the same pair refreshes it");

        manager.sweep(299_999);
        assertTrue(a.hasPermission(peer));
        manager.sweep(300_000);
        assertFalse(a.hasPermission(peer), "permission gone after 300 s");
        assertNotNull(a.channel(0x4000), "the channel outlives it");
        manager.sweep(600_000);
        assertNull(a.channel(0x4000));
        assertNull(a.channelFor(peerPort));
        assertEquals(1, manager.count());
        manager.sweep(1_000_000);
        assertEquals(0, manager.count(), "the allocation itself ends at its expiry");
        assertTrue(a.isClosed());
        assertFalse(a.relayChannel().isOpen(), "its socket is closed");
    }

    @Test
    void closingTwiceReleasesOnce() {
        Allocation a = allocation(1_000_000);
        manager.close(a);
        manager.close(a);
        assertEquals(0, manager.count());
        assertEquals(AllocationManager.Reservation.OK, manager.reserve("u", "s"));
        assertEquals(1, manager.count());
    }

    @Test
    void permissionsPerAllocationAreBounded() throws Exception {
        Allocation a = allocation(1_000_000);
        for (int i = 0; i < Allocation.MAX_PERMISSIONS; i++) {
            assertTrue(a.permit(InetAddress.getByAddress(new byte[] {1, 2, (byte) (i >> 8), (byte) i}), 1000));
        }
        assertFalse(a.permit(InetAddress.getByName("9.9.9.9"), 1000));
        assertTrue(a.permit(InetAddress.getByAddress(new byte[] {1, 2, 0, 0}), 2000), "refreshing one is fine");
    }
}
