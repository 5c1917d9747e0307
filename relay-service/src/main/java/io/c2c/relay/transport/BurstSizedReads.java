package io.c2c.relay.transport;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import java.util.function.LongSupplier;

/**
 * Read buffers for relay sockets (one instance serves them all; each socket's handle keeps its own time), sized by how its datagrams arrive: one datagram's slot while they come one at
 * a time, {@code slots} slots while they come in bursts. With epoll, a one-slot buffer makes Netty read with
 * {@code recvmsg}, which marshals one datagram and nothing else; a larger one makes it read with {@code recvmmsg},
 * whose per-call setup (a {@code getsockopt} and three JNI calls per slot, whatever arrives) pays off only when
 * several datagrams are waiting. A peer's datagrams arrive one per read at a steady rate (one {@code recvmmsg}
 * per datagram, half of the relay's read syscalls spent on the {@code getsockopt}) and six or seven per read in
 * bursts (docs/benchmarks.md, relay).
 *
 * <p>The signal is the time since the socket's previous read: a read that comes within {@code burstGapNanos} of the
 * previous one means datagrams arrive faster than the event loop takes them, so it takes all slots; after a pause
 * the next read takes one. One read per wake-up either way (level-triggered epoll reports the socket again while
 * datagrams are left).
 */
final class BurstSizedReads extends DefaultMaxMessagesRecvByteBufAllocator {

    private final int slotSize;
    private final int slots;
    private final long burstGapNanos;
    private final LongSupplier clock;

    BurstSizedReads(int slotSize, int slots, long burstGapNanos) {
        this(slotSize, slots, burstGapNanos, System::nanoTime);
    }

    BurstSizedReads(int slotSize, int slots, long burstGapNanos, LongSupplier clock) {
        super(1);
        if (slotSize <= 0 || slots <= 0 || burstGapNanos < 0) {
            throw new IllegalArgumentException("slot size and slots must be positive, the gap not negative");
        }
        this.slotSize = slotSize;
        this.slots = slots;
        this.burstGapNanos = burstGapNanos;
        this.clock = clock;
    }

    @Override
    public Handle newHandle() {
        return new SocketHandle();
    }

    /** One socket's read sizes: its own time of the last read. */
    private final class SocketHandle extends MaxMessageHandle {

        /** As if the socket had last been read one gap before it opened, so its first read takes a single slot. */
        private long lastRead = clock.getAsLong() - burstGapNanos;

        @Override
        public int guess() {
            long now = clock.getAsLong();
            boolean burst = now - lastRead < burstGapNanos;
            lastRead = now;
            return burst ? slotSize * slots : slotSize;
        }
    }
}
