package io.c2c.relay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Relay and listener sockets for an IPv4 address are plain IPv4 sockets (no dual-stack IPv6 socket on the
 * IPv4 hot path), and still carry IPv4 traffic both ways; IPv6 addresses keep IPv6 sockets.
 */
class DatagramSocketFamilyTest {

    @ParameterizedTest
    @CsvSource({"127.0.0.1, IPv4", "0.0.0.0, IPv4", "192.0.2.10, IPv4", "::1, IPv6", "::, IPv6", "2001:db8::1, IPv6",
            "::ffff:127.0.0.1, IPv4"})
    void familyFollowsTheBindAddress(String address, InternetProtocolFamily family) throws Exception {
        assertEquals(family, TurnListeners.familyOf(InetAddress.getByName(address)));
    }

    @ParameterizedTest
    @CsvSource({"true, 127.0.0.1", "false, 127.0.0.1", "true, ::1", "false, ::1"})
    void aRelaySocketHasItsAddressFamilyAndRelays(boolean epoll, String address) throws Exception {
        assumeTrue(!epoll || Epoll.isAvailable(), "native epoll unavailable");
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        InetAddress bindAddress = InetAddress.getByName(address);
        BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
        try {
            Channel first = bind(group, epoll, bindAddress, received);
            Channel second = bind(group, epoll, bindAddress, received);
            first.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII),
                    (InetSocketAddress) second.localAddress())).sync();
            assertEquals("hello", received.poll(10, TimeUnit.SECONDS));
            // The kernel lists AF_INET sockets in /proc/net/udp and AF_INET6 ones (dual-stack included) in udp6.
            boolean ipv4 = bindAddress instanceof Inet4Address;
            int port = ((InetSocketAddress) first.localAddress()).getPort();
            assertEquals(ipv4, listsPort("/proc/net/udp", port), "AF_INET socket on port " + port);
            assertEquals(!ipv4, listsPort("/proc/net/udp6", port), "AF_INET6 socket on port " + port);
            first.close().sync();
            second.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Whether the kernel's socket table {@code table} has a socket bound to local port {@code port}. */
    private static boolean listsPort(String table, int port) throws Exception {
        String suffix = String.format(":%04X", port);
        return Files.readAllLines(Path.of(table)).stream().skip(1)
                .map(line -> line.trim().split("\\s+")[1])
                .anyMatch(local -> local.endsWith(suffix));
    }

    private static Channel bind(EventLoopGroup group, boolean epoll, InetAddress address, BlockingQueue<String> received)
            throws Exception {
        Channel channel = TurnListeners.datagramChannels(epoll, address).get();
        channel.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                received.add(packet.content().toString(StandardCharsets.US_ASCII));
            }
        });
        group.register(channel).sync();
        channel.bind(new InetSocketAddress(address, 0)).sync();
        return channel;
    }
}
