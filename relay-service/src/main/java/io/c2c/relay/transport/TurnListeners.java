package io.c2c.relay.transport;

import io.c2c.relay.server.TurnServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The STUN/TURN UDP socket and TCP listener on one address and port, running on the event
 * loops of Quarkus's Vert.x instance (no extra threads).
 */
public final class TurnListeners implements AutoCloseable {

    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;
    private static final int RELAY_SOCKET_BUFFER = 512 * 1024;
    /**
     * Read slot of one datagram. A datagram longer than its slot is cut short by the kernel without
     * notice (Netty reports no MSG_TRUNC), so the slot is one byte larger than the largest datagram
     * accepted: a read that fills it is known to be possibly truncated and is dropped as too large.
     */
    private static final int DATAGRAM = TurnServer.MAX_UDP_DATAGRAM + 1;
    /**
     * With epoll, one read buffer holds this many datagrams' worth, read by one recvmmsg. 32 KiB is
     * the largest size Netty's per-thread buffer cache keeps; Quarkus sets Netty's pool chunks to
     * 64 KiB ({@code io.netty.allocator.maxOrder=3}), so a 64 KiB read buffer took a whole chunk:
     * allocated, zeroed and freed by the shared arena on every read.
     */
    private static final int READ_BATCH = DATAGRAM * 8;
    /**
     * A relay socket read within this long of its previous read takes {@link #READ_BATCH}, a later one a single
     * datagram ({@link BurstSizedReads}): a peer sending 1,000 datagrams a second or more is read in batches, a
     * slower one (audio, the benchmark's 250 a second per allocation) one datagram per call.
     */
    private static final long RELAY_BURST_GAP_NANOS = 1_000_000;
    /** Read sizes of every epoll relay socket (Netty asks the allocator for a handle per channel). */
    private static final BurstSizedReads RELAY_READS =
            new BurstSizedReads(DATAGRAM, READ_BATCH / DATAGRAM, RELAY_BURST_GAP_NANOS);
    /** Read sizes of every NIO relay socket: one datagram per read. */
    private static final FixedRecvByteBufAllocator RELAY_READS_NIO = readsPerWakeUp(DATAGRAM);
    /**
     * Datagram sockets run level-triggered and read once per wake-up ({@link #readsPerWakeUp}): edge-triggered
     * epoll must read until EAGAIN, which costs one empty recvmmsg per wake-up; level-triggered epoll reports
     * the socket again if datagrams are left after the one read.
     */
    private static final EpollMode DATAGRAM_EPOLL_MODE = EpollMode.LEVEL_TRIGGERED;

    /**
     * One recvmmsg per wake-up and socket (Netty's default for an allocator set by hand, written out here
     * because the read path depends on it): with more, Netty reads until a read comes back empty, an extra
     * syscall per wake-up that carries nothing. Measured under turnutils_uclient's load: 6.7 datagrams per
     * recvmmsg, no empty reads (docs/benchmarks.md, relay).
     */
    private static FixedRecvByteBufAllocator readsPerWakeUp(int bufferSize) {
        FixedRecvByteBufAllocator allocator = new FixedRecvByteBufAllocator(bufferSize);
        allocator.maxMessagesPerRead(1);
        return allocator;
    }

    private final Channel udp;
    private final Channel tcp;

    private TurnListeners(Channel udp, Channel tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    /**
     * Binds UDP and TCP on {@code address}. With port 0 an ephemeral UDP port is chosen and TCP
     * binds the same number (retried a few times should TCP find it taken), so that one port
     * serves both as in production.
     */
    public static TurnListeners bind(EventLoopGroup group, boolean epoll, InetSocketAddress address, TurnServer server,
                                     int maxTcpFrame, Duration tcpIdleTimeout, int maxTcpConnections)
            throws InterruptedException {
        return bind(group, epoll, address, server, maxTcpFrame, tcpIdleTimeout, maxTcpConnections, new AtomicInteger());
    }

    /**
     * As {@link #bind(EventLoopGroup, boolean, InetSocketAddress, TurnServer, int, Duration, int)}, counting TCP
     * connections in {@code connections}, which several listeners (IPv4 and IPv6) share so that
     * {@code maxTcpConnections} bounds the node, not each address.
     */
    public static TurnListeners bind(EventLoopGroup group, boolean epoll, InetSocketAddress address, TurnServer server,
                                     int maxTcpFrame, Duration tcpIdleTimeout, int maxTcpConnections,
                                     AtomicInteger connections) throws InterruptedException {
        ServerBootstrap tcpBootstrap = new ServerBootstrap().group(group).channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                new IdleStateHandler(0, 0, tcpIdleTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                new StreamFrameDecoder(maxTcpFrame, server.metrics()),
                                new TcpClientHandler(server, connections, maxTcpConnections));
                    }
                });
        InternetProtocolFamily family = familyOf(address.getAddress());
        Bootstrap udpBootstrap = new Bootstrap().group(group)
                .channelFactory(() -> epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family))
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.RCVBUF_ALLOCATOR, readsPerWakeUp(epoll ? READ_BATCH : DATAGRAM))
                .handler(new UdpPacketHandler(server, address));
        if (epoll) {
            // Lets the epoll channel read up to READ_BATCH / DATAGRAM datagrams per recvmmsg call.
            udpBootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, DATAGRAM);
            udpBootstrap.option(EpollChannelOption.EPOLL_MODE, DATAGRAM_EPOLL_MODE);
        }
        int attempts = address.getPort() == 0 ? 10 : 1;
        for (int attempt = 1; ; attempt++) {
            Channel udp = udpBootstrap.bind(address).sync().channel();
            InetSocketAddress bound = (InetSocketAddress) udp.localAddress();
            if (address.getPort() == 0) {
                // The handler must report the real local address in 5-tuples.
                udp.pipeline().replace(UdpPacketHandler.class, "turn", new UdpPacketHandler(server, bound));
            }
            try {
                Channel tcp = tcpBootstrap.bind(bound).sync().channel();
                return new TurnListeners(udp, tcp);
            } catch (Exception e) {
                udp.close().syncUninterruptibly();
                if (attempt >= attempts) {
                    throw e;
                }
            }
        }
    }

    /**
     * A factory of unregistered datagram channels for relay sockets, of the kind the event loops
     * run (epoll when Vert.x uses native transport, NIO otherwise) and of {@code bindAddress}'s family, with
     * 4 KiB read slots per datagram: one per read, or eight while a peer's datagrams come in bursts (epoll).
     */
    public static Supplier<Channel> datagramChannels(boolean epoll, InetAddress bindAddress) {
        if (epoll && !Epoll.isAvailable()) {
            throw new IllegalStateException("native epoll requested but unavailable", Epoll.unavailabilityCause());
        }
        InternetProtocolFamily family = familyOf(bindAddress);
        return () -> {
            Channel channel = epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family);
            channel.config().setRecvByteBufAllocator(epoll ? RELAY_READS : RELAY_READS_NIO);
            // Room for a burst from a peer while the event loop is busy; the kernel only commits what is used.
            channel.config().setOption(ChannelOption.SO_RCVBUF, RELAY_SOCKET_BUFFER);
            if (epoll) {
                channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, DATAGRAM);
                channel.config().setOption(EpollChannelOption.EPOLL_MODE, DATAGRAM_EPOLL_MODE);
            }
            return channel;
        };
    }

    /**
     * The socket family for a bind address: an IPv4 address gets a plain AF_INET socket. Netty's default
     * is a dual-stack AF_INET6 socket, which costs every IPv4 datagram the IPv6 send and receive paths and
     * IPv4-mapped address conversions; an IPv4 listener or relay address never needs IPv6.
     */
    static InternetProtocolFamily familyOf(InetAddress bindAddress) {
        return bindAddress instanceof Inet4Address ? InternetProtocolFamily.IPv4 : InternetProtocolFamily.IPv6;
    }

    public InetSocketAddress udpAddress() {
        return (InetSocketAddress) udp.localAddress();
    }

    public InetSocketAddress tcpAddress() {
        return (InetSocketAddress) tcp.localAddress();
    }

    @Override
    public void close() {
        tcp.close().syncUninterruptibly();
        udp.close().syncUninterruptibly();
    }
}
