package io.c2c.relay.allocation;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * Defers flushes on the relay hot path to the end of the current read batch: packets relayed
 * while an event loop works through one batch of reads are written without flushing, and the
 * read handler's {@code channelReadComplete} flushes every channel touched, so Netty can hand the
 * kernel several datagrams at once (sendmmsg with epoll) instead of one syscall per packet.
 * Only for code running inside a channel read on an event loop, which ends with {@link #flushAll()}.
 */
public final class FlushBatch {

    private static final FastThreadLocal<ArrayList<Channel>> PENDING = new FastThreadLocal<>() {
        @Override
        protected ArrayList<Channel> initialValue() {
            return new ArrayList<>();
        }
    };

    private FlushBatch() {
    }

    /** Writes {@code message} to {@code channel}; the flush follows at the end of the read batch. */
    public static void write(Channel channel, Object message) {
        channel.write(message, channel.voidPromise());
        ArrayList<Channel> pending = PENDING.get();
        // Batches touch few channels: a linear scan beats hashing here.
        for (int i = pending.size() - 1; i >= 0; i--) {
            if (pending.get(i) == channel) {
                return;
            }
        }
        pending.add(channel);
    }

    /** Flushes every channel written to since the last call on this thread. */
    public static void flushAll() {
        ArrayList<Channel> pending = PENDING.get();
        if (pending.isEmpty()) {
            return;
        }
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).flush();
        }
        pending.clear();
    }
}
