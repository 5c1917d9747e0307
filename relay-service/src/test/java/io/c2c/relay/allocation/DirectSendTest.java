package io.c2c.relay.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.c2c.relay.transport.TurnListeners;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Direct sends on real loopback sockets: what goes out is exactly the bytes asked for, and everything a
 * direct send cannot take safely (queued writes, empty datagrams, heap buffers, NIO, closed channels) is left
 * to the channel, so no datagram overtakes an earlier one.
 */
class DirectSendTest {

    private EventLoopGroup group;
    private Channel channel;
    private DatagramSocket receiver;
    private InetSocketAddress to;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll unavailable");
        group = new EpollEventLoopGroup(1);
        channel = register(group, true);
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setSoTimeout(5_000);
        to = (InetSocketAddress) receiver.getLocalSocketAddress();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static Channel register(EventLoopGroup group, boolean epoll) throws Exception {
        Channel channel = TurnListeners.datagramChannels(epoll, InetAddress.getLoopbackAddress()).get();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter());
        group.register(channel).sync();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync();
        return channel;
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return channel.eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }

    /** A direct send on the channel's event loop, as the relay makes it. */
    private DirectSend.Result send(ByteBuf buffer, int index, int length, InetSocketAddress recipient) throws Exception {
        Socket socket = DirectSend.socketOf(channel);
        return onLoop(() -> DirectSend.send(channel, socket, buffer, index, length, recipient));
    }

    private String receive() throws Exception {
        java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[2048], 2048);
        receiver.receive(packet);
        return new String(Arrays.copyOf(packet.getData(), packet.getLength()), StandardCharsets.US_ASCII);
    }

    private static ByteBuf direct(String text) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer();
        buffer.writeCharSequence(text, StandardCharsets.US_ASCII);
        return buffer;
    }

    @Test
    void sendsExactlyTheRangeAskedFor() throws Exception {
        ByteBuf buffer = direct("HEADhello, peer!TAIL");
        assertNotNull(DirectSend.socketOf(channel));
        try {
            assertEquals(DirectSend.Result.SENT, send(buffer, 4, 12, to));
            assertEquals("hello, peer!", receive());
            assertEquals(DirectSend.Result.SENT, send(buffer.slice(4, 5), 0, 5, to));
            assertEquals("hello", receive());
        } finally {
            buffer.release();
        }
    }

    @Test
    void aChannelWithQueuedWritesKeepsTheNextDatagramBehindThem() throws Exception {
        Socket socket = DirectSend.socketOf(channel);
        ByteBuf second = direct("second");
        try {
            DirectSend.Result result = onLoop(() -> {
                // written, not yet flushed: as inside a read batch (FlushBatch)
                channel.write(new DatagramPacket(Unpooled.copiedBuffer("first", StandardCharsets.US_ASCII), to),
                        channel.voidPromise());
                return DirectSend.send(channel, socket, second, 0, second.readableBytes(), to);
            });
            assertEquals(DirectSend.Result.QUEUE, result);
            onLoop(() -> {
                channel.writeAndFlush(new DatagramPacket(second.retainedSlice(), to), channel.voidPromise());
                return null;
            });
            assertEquals("first", receive());
            assertEquals("second", receive());
            // nothing queued any more: direct again
            assertEquals(DirectSend.Result.SENT, send(second, 0, 6, to));
            assertEquals("second", receive());
        } finally {
            second.release();
        }
    }

    @Test
    void leavesToTheChannelWhatItCannotSendSafely() throws Exception {
        ByteBuf buffer = direct("payload");
        ByteBuf heap = Unpooled.copiedBuffer("payload", StandardCharsets.US_ASCII);
        try {
            assertEquals(DirectSend.Result.QUEUE, send(buffer, 0, 0, to), "empty");
            assertEquals(DirectSend.Result.QUEUE, send(heap, 0, 7, to), "heap");
            assertEquals(DirectSend.Result.QUEUE, onLoop(() -> DirectSend.send(channel, null, buffer, 0, 7, to)), "no socket");
            channel.close().sync();
            assertEquals(DirectSend.Result.QUEUE, send(buffer, 0, 7, to), "closed");
        } finally {
            buffer.release();
            heap.release();
        }
    }

    @Test
    void aSocketRefusalIsReportedNotThrown() throws Exception {
        ByteBuf buffer = direct("payload");
        try {
            // An AF_INET socket cannot send to an IPv6 address: the kernel refuses, the caller counts a drop.
            InetSocketAddress ipv6 = new InetSocketAddress(InetAddress.getByName("::1"), to.getPort());
            assertEquals(DirectSend.Result.FAILED, send(buffer, 0, 7, ipv6));
            assertEquals(DirectSend.Result.SENT, send(buffer, 0, 7, to));
            assertEquals("payload", receive());
        } finally {
            buffer.release();
        }
    }

    @Test
    void nioChannelsHaveNoSocketForDirectSends() throws Exception {
        EventLoopGroup nio = new NioEventLoopGroup(1);
        try {
            Channel nioChannel = register(nio, false);
            assertNull(DirectSend.socketOf(nioChannel));
            nioChannel.close().sync();
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
