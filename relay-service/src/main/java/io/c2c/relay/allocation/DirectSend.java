package io.c2c.relay.allocation;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Sends a relayed datagram with one {@code sendto} on the channel's own socket, straight from the
 * caller's memory. Through the channel, every relayed packet cost a {@code DatagramPacket}, a retained
 * slice, a trip down the pipeline, an outbound-buffer entry and a flush: the largest share of the
 * relay's own CPU per packet after the kernel. The channel path remains for everything this cannot
 * take ({@link Result#QUEUE}): NIO channels, empty datagrams (a 0 from {@code sendto} would be
 * ambiguous), heap buffers, and any channel that still has writes queued, so datagrams never
 * overtake earlier ones; a full socket buffer ({@code EAGAIN}) also answers QUEUE, and Netty then
 * writes when the socket drains. Call on the channel's event loop only.
 */
public final class DirectSend {

    /** What became of a datagram. */
    public enum Result {
        /** Handed to the kernel. */
        SENT,
        /** Refused by the kernel with an error (as Netty's own write path, the datagram is dropped; count it). */
        FAILED,
        /** Not sent: the caller writes it through the channel. */
        QUEUE
    }

    private DirectSend() {
    }

    /** The channel's socket when it can take direct sends (native epoll), else null. Look it up once per channel. */
    public static Socket socketOf(Channel channel) {
        return channel instanceof UnixChannel unix && unix.fd() instanceof Socket socket ? socket : null;
    }

    /**
     * Sends bytes {@code [index, index + length)} of {@code buffer} to {@code recipient} on {@code channel},
     * whose socket is {@code socket} (from {@link #socketOf}, null for none).
     */
    public static Result send(Channel channel, Socket socket, ByteBuf buffer, int index, int length,
                              InetSocketAddress recipient) {
        if (socket == null || length == 0 || !buffer.hasMemoryAddress() || !channel.isOpen() || hasQueuedWrites(channel)) {
            return Result.QUEUE;
        }
        try {
            int sent = socket.sendToAddress(buffer.memoryAddress(), index, index + length,
                    recipient.getAddress(), recipient.getPort());
            return sent > 0 ? Result.SENT : Result.QUEUE;
        } catch (IOException e) {
            return Result.FAILED;
        }
    }

    private static boolean hasQueuedWrites(Channel channel) {
        ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
        // isEmpty() counts flushed entries only; written-but-unflushed ones (a FlushBatch in progress) show in the bytes.
        return queued == null || !queued.isEmpty() || queued.totalPendingWriteBytes() != 0;
    }
}
