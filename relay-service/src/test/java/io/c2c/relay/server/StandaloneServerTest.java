package io.c2c.relay.server;

import static io.c2c.relay.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.c2c.relay.allocation.AllocationManager;
import io.c2c.relay.allocation.PeerAddressPolicy;
import io.c2c.relay.allocation.RelayPortPool;
import io.c2c.relay.auth.NonceService;
import io.c2c.relay.auth.SourceRateLimiter;
import io.c2c.relay.auth.TurnRestCredentials;
import io.c2c.relay.protocol.ChannelData;
import io.c2c.relay.protocol.ChannelNumber;
import io.c2c.relay.protocol.ErrorCode;
import io.c2c.relay.protocol.Lifetime;
import io.c2c.relay.protocol.RequestedAddressFamily;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMessage;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.XorPeerAddress;
import io.c2c.relay.transport.TurnListeners;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TURN server assembled by hand, without Quarkus, on a NIO event loop (the transport used where
 * native epoll is unavailable) and with IPv6 relaying off, as a node without
 * {@code c2c.relay.relay.bind-address-v6} runs: IPv6 Allocates get 440 while IPv4 ones work, and the
 * NIO read path drops too-large datagrams instead of relaying them truncated, like the epoll one; and
 * one TCP connection limit shared by an IPv4 and an IPv6 listener.
 */
class StandaloneServerTest {

    private static final String SECRET = "standalone-secret";

    private static NioEventLoopGroup group;
    private static TurnServer server;
    private static RelayMetrics metrics;
    private static TurnListeners listeners;

    @BeforeAll
    static void start() throws Exception {
        group = new NioEventLoopGroup(1);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        AllocationManager allocations = new AllocationManager(10, 10, 10,
                new RelayPortPool(loopback, 43000, 43099, TurnListeners.datagramChannels(false, loopback)), a -> { });
        metrics = new RelayMetrics(new SimpleMeterRegistry(), allocations);
        server = new TurnServer(allocations, new TurnRestCredentials(List.of(SECRET), "standalone"),
                new NonceService(Duration.ofMinutes(10), Clock.systemUTC()), new SourceRateLimiter(100),
                PeerAddressPolicy.fromConfig(List.of("127.0.0.1/32")), metrics,
                new TurnSettings("", loopback, 600_000, 3_600_000, 300_000, 600_000, 0));
        listeners = TurnListeners.bind(group, false, new InetSocketAddress(loopback, 0), server, 65540,
                Duration.ofMinutes(1), 100);
    }

    @AfterAll
    static void stop() {
        if (listeners != null) {
            listeners.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static TurnTestClient client(String peer) throws Exception {
        return TurnTestClient.udp(listeners.udpAddress())
                .credentials(SECRET, System.currentTimeMillis() / 1000 + 3600, "site-standalone", peer);
    }

    @Test
    void ipv6RelayingOffAnswers440AndIpv4StillWorks() throws Exception {
        try (TurnTestClient client = client("v6-off")) {
            StunMessage refused = client.allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV6));
            assertEquals(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, errorCode(refused));
            StunMessage allocated = client.allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV4));
            assertEquals(StunClass.SUCCESS, allocated.messageClass(), "IPv4 error " + errorCode(allocated));
            assertEquals(InetAddress.getByName("127.0.0.1"), TurnTestClient.relayed(allocated).getAddress());
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void nioReadsDropTooLargeDatagramsBothWays() throws Exception {
        try (TurnTestClient client = client("nio-large");
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(TurnTestClient.TIMEOUT_MS * 2);
            StunMessage allocated = client.allocate();
            assertEquals(StunClass.SUCCESS, allocated.messageClass());
            InetSocketAddress relayed = TurnTestClient.relayed(allocated);
            assertEquals(0, errorCode(client.request(StunMethod.CHANNEL_BIND, new ChannelNumber(0x4003),
                    new XorPeerAddress((InetSocketAddress) peer.getLocalSocketAddress()))));
            byte[] marker = {'m'};
            for (int size : new int[] {6000, 65000}) {
                double before = metrics.droppedCount("too-large");
                client.sendChannelData(0x4003, new byte[size - 4]);
                awaitTooLarge(before);
                client.sendChannelData(0x4003, marker);
                DatagramPacket atPeer = new DatagramPacket(new byte[65536], 65536);
                peer.receive(atPeer);
                assertArrayEquals(marker, Arrays.copyOf(atPeer.getData(), atPeer.getLength()), size + " bytes not relayed");

                before = metrics.droppedCount("too-large");
                peer.send(new DatagramPacket(new byte[size], size, relayed));
                awaitTooLarge(before);
                peer.send(new DatagramPacket(marker, 1, relayed));
                byte[] frame = client.receive(TurnTestClient.TIMEOUT_MS * 2);
                assertNotNull(frame);
                assertArrayEquals(marker, ChannelData.decode(frame, 0, frame.length).payload(), size + " bytes not relayed");
            }
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void theTcpConnectionLimitCoversTheIpv4AndIpv6ListenersTogether() throws Exception {
        AtomicInteger shared = new AtomicInteger();
        TurnListeners v4 = TurnListeners.bind(group, false, new InetSocketAddress("127.0.0.1", 0), server, 65540,
                Duration.ofMinutes(1), 1, shared);
        TurnListeners v6 = TurnListeners.bind(group, false, new InetSocketAddress("::1", 0), server, 65540,
                Duration.ofMinutes(1), 1, shared);
        try (Socket first = new Socket()) {
            first.connect(v4.tcpAddress(), TurnTestClient.TIMEOUT_MS);
            long deadline = System.currentTimeMillis() + 10_000;
            while (shared.get() < 1) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("the first connection was never counted");
                }
                Thread.sleep(10);
            }
            try (Socket second = new Socket()) {
                second.connect(v6.tcpAddress(), TurnTestClient.TIMEOUT_MS);
                second.setSoTimeout(TurnTestClient.TIMEOUT_MS * 2);
                assertEquals(-1, second.getInputStream().read(), "the IPv6 listener closes the connection over the limit");
            }
            first.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> first.getInputStream().read(), "the first one stays open");
        } finally {
            v4.close();
            v6.close();
        }
    }

    private static void awaitTooLarge(double before) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (metrics.droppedCount("too-large") <= before) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no too-large drop was counted");
            }
            Thread.sleep(10);
        }
    }
}
