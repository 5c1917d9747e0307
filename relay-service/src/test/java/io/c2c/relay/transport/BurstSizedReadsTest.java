package io.c2c.relay.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.c2c.relay.server.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Relay sockets read one datagram per call after a pause and eight while datagrams come in bursts; every datagram
 * arrives whole and in order either way.
 */
class BurstSizedReadsTest {

    private static final int SLOT = TurnServer.MAX_UDP_DATAGRAM + 1;
    private static final long GAP = 1_000_000;

    /** Times of successive reads on one socket (ns, with a 0 for the first) and the buffer size each one asks for. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "first read                     | 0                        | 1",
            "steady, 4 ms apart             | 0, 4000000, 8000000      | 1, 1, 1",
            "burst, then a pause            | 0, 10000, 20000, 5000000 | 1, 8, 8, 1",
            "exactly the gap is not a burst | 0, 1000000, 1999999      | 1, 1, 8",
    })
    void readSizeFollowsTheTimeSinceTheSocketsLastRead(String name, String times, String expectedSlots) {
        AtomicLong now = new AtomicLong();
        RecvByteBufAllocator.Handle handle = new BurstSizedReads(SLOT, 8, GAP, now::get).newHandle();
        String[] at = times.split(",\\s*");
        String[] slots = expectedSlots.split(",\\s*");
        for (int i = 0; i < at.length; i++) {
            now.set(Long.parseLong(at[i].trim()));
            assertEquals(Integer.parseInt(slots[i].trim()) * SLOT, handle.guess(), name + ", read " + (i + 1));
        }
    }

    @Test
    void eachSocketKeepsItsOwnTime() {
        AtomicLong now = new AtomicLong(100);
        BurstSizedReads reads = new BurstSizedReads(SLOT, 8, GAP, now::get);
        RecvByteBufAllocator.Handle busy = reads.newHandle();
        RecvByteBufAllocator.Handle quiet = reads.newHandle();
        busy.guess();
        now.addAndGet(10);
        assertEquals(8 * SLOT, busy.guess());
        assertEquals(SLOT, quiet.guess(), "another socket's reads say nothing about this one");
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new BurstSizedReads(0, 8, GAP));
        assertThrows(IllegalArgumentException.class, () -> new BurstSizedReads(SLOT, 0, GAP));
        assertThrows(IllegalArgumentException.class, () -> new BurstSizedReads(SLOT, 8, -1));
    }

    @Test
    void aRelaySocketReadsSinglesAfterPausesAndBatchesInBursts() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll unavailable");
        EventLoopGroup group = new EpollEventLoopGroup(1);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<byte[]> received = new CopyOnWriteArrayList<>();
        // Per received datagram: the capacity of the read buffer it came in (one slot for a single read, eight for a batch).
        List<Integer> capacities = new CopyOnWriteArrayList<>();
        AtomicInteger inThisRead = new AtomicInteger();
        AtomicInteger largestRead = new AtomicInteger();
        Channel relay = TurnListeners.datagramChannels(true, loopback).get();
        relay.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                received.add(ByteBufUtil.getBytes(packet.content()));
                capacities.add(readBufferCapacity(packet.content()));
                inThisRead.incrementAndGet();
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                largestRead.accumulateAndGet(inThisRead.getAndSet(0), Math::max);
            }
        });
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            group.register(relay).sync();
            relay.bind(new InetSocketAddress(loopback, 0)).sync();
            InetSocketAddress target = (InetSocketAddress) relay.localAddress();
            List<byte[]> sent = new ArrayList<>();

            send(peer, target, sent, 1);
            awaitCount(received, 1);
            assertEquals(SLOT, capacities.get(0), "a lone datagram is read into one slot");

            send(peer, target, sent, 200);
            awaitCount(received, 201);
            assertTrue(largestRead.get() > 1, "a burst is read several datagrams at a time, largest " + largestRead.get());
            assertTrue(capacities.subList(1, 201).contains(8 * SLOT), "burst reads take eight slots");

            Thread.sleep(20);
            send(peer, target, sent, 1);
            awaitCount(received, 202);
            assertEquals(SLOT, capacities.get(201), "after a pause, one slot again");

            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), received.get(i), "datagram " + i);
            }
        } finally {
            relay.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The capacity of the buffer a datagram was read into: Netty hands out slices (and leak-aware wrappers) of it. */
    private static int readBufferCapacity(ByteBuf content) {
        int capacity = content.capacity();
        for (ByteBuf b = content.unwrap(); b != null; b = b.unwrap()) {
            capacity = Math.max(capacity, b.capacity());
        }
        return capacity;
    }

    private static void send(DatagramSocket peer, InetSocketAddress target, List<byte[]> sent, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[100 + sent.size() % 900];
            for (int b = 0; b < payload.length; b++) {
                payload[b] = (byte) (sent.size() + b);
            }
            sent.add(payload);
            peer.send(new java.net.DatagramPacket(payload, payload.length, target));
        }
    }

    private static void awaitCount(List<byte[]> received, int count) throws InterruptedException {
        for (int i = 0; i < 500 && received.size() < count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, received.size(), "datagrams received");
    }
}
