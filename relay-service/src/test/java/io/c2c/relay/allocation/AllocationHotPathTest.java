package io.c2c.relay.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The look-ups the relay hot path makes per packet: the UDP allocation by client address and the
 * channel binding (with its one-entry cache) by number and by peer. Pure logic: embedded channels
 * stand in for relay sockets, nothing touches the network.
 */
class AllocationHotPathTest {

    private static final InetSocketAddress LISTENER = new InetSocketAddress("127.0.0.1", 3478);
    private static final InetSocketAddress OTHER_LISTENER = new InetSocketAddress("127.0.0.2", 3478);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5000);

    private final AllocationManager manager = new AllocationManager(10, 10, 10,
            new RelayPortPool(InetAddress.getLoopbackAddress(), 42000, 42010, EmbeddedChannel::new), a -> { });

    private Allocation allocation(Transport transport, InetSocketAddress client, InetSocketAddress server) {
        manager.reserve("u", "s");
        return new Allocation(new FiveTuple(transport, client, server), null, "u", "s", new byte[16],
                new InetSocketAddress("127.0.0.1", 42001), new EmbeddedChannel(), 1_000_000, 0);
    }

    @Test
    void udpAllocationsAreFoundByClientAddressUntilClosed() {
        Allocation udp = allocation(Transport.UDP, CLIENT, LISTENER);
        assertTrue(manager.register(udp));
        assertSame(udp, manager.getUdp(new InetSocketAddress("127.0.0.1", 5000)), "equal address, other instance");
        assertNull(manager.getUdp(new InetSocketAddress("127.0.0.1", 5001)), "another port is another client");
        manager.close(udp);
        assertNull(manager.getUdp(CLIENT));
        assertNull(manager.get(udp.fiveTuple()));
    }

    @Test
    void tcpAllocationsStayOutOfTheUdpIndex() {
        Allocation tcp = allocation(Transport.TCP, CLIENT, LISTENER);
        assertTrue(manager.register(tcp));
        assertNull(manager.getUdp(CLIENT));
        assertSame(tcp, manager.get(tcp.fiveTuple()));
    }

    @Test
    void aSecondUdpAllocationForTheSameClientAddressIsRefusedWhole() {
        Allocation first = allocation(Transport.UDP, CLIENT, LISTENER);
        Allocation second = allocation(Transport.UDP, CLIENT, OTHER_LISTENER);
        assertTrue(manager.register(first));
        assertFalse(manager.register(second), "the client address would be ambiguous on the hot path");
        assertNull(manager.get(second.fiveTuple()), "nothing of the refused allocation stays registered");
        assertSame(first, manager.getUdp(CLIENT));
        manager.close(second);
        assertSame(first, manager.getUdp(CLIENT), "closing the refused one leaves the other's index entry");
    }

    /** One step of a scenario: bind, expire at a time, or look up by number or by peer port. */
    record Step(String op, int number, int peerPort, long time, Integer expectedNumber) {
        static Step bind(int number, int peerPort, long expiresAt) {
            return new Step("bind", number, peerPort, expiresAt, null);
        }

        static Step sweep(long now) {
            return new Step("sweep", 0, 0, now, null);
        }

        static Step byNumber(int number, Integer expected) {
            return new Step("number", number, 0, 0, expected);
        }

        static Step byPeer(int peerPort, Integer expected) {
            return new Step("peer", 0, peerPort, 0, expected);
        }
    }

    static Stream<Arguments> channelScenarios() {
        return Stream.of(
                Arguments.of("one channel, both directions", List.of(
                        Step.bind(0x4000, 7000, 600),
                        Step.byNumber(0x4000, 0x4000), Step.byPeer(7000, 0x4000),
                        Step.byNumber(0x4001, null), Step.byPeer(7001, null))),
                Arguments.of("two channels used in turn", List.of(
                        Step.bind(0x4000, 7000, 600), Step.bind(0x4001, 7001, 600),
                        Step.byNumber(0x4000, 0x4000), Step.byNumber(0x4001, 0x4001),
                        Step.byPeer(7000, 0x4000), Step.byPeer(7001, 0x4001), Step.byNumber(0x4000, 0x4000))),
                Arguments.of("the cached binding expires", List.of(
                        Step.bind(0x4000, 7000, 600), Step.byNumber(0x4000, 0x4000),
                        Step.sweep(600), Step.byNumber(0x4000, null), Step.byPeer(7000, null))),
                Arguments.of("the cached binding expires while another lives", List.of(
                        Step.bind(0x4000, 7000, 600), Step.bind(0x4001, 7001, 900),
                        Step.byPeer(7000, 0x4000), Step.sweep(600),
                        Step.byPeer(7000, null), Step.byNumber(0x4000, null), Step.byNumber(0x4001, 0x4001))),
                Arguments.of("an expired number is bound again to another peer", List.of(
                        Step.bind(0x4000, 7000, 600), Step.byNumber(0x4000, 0x4000), Step.sweep(600),
                        Step.bind(0x4000, 7002, 1200), Step.byNumber(0x4000, 0x4000),
                        Step.byPeer(7000, null), Step.byPeer(7002, 0x4000))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channelScenarios")
    void channelLookUpsMatchTheBindings(String name, List<Step> steps) {
        Allocation a = allocation(Transport.UDP, CLIENT, LISTENER);
        assertTrue(manager.register(a));
        for (Step step : steps) {
            switch (step.op()) {
                case "bind" -> assertTrue(a.bindChannel(step.number(), peer(step.peerPort()), step.time()));
                case "sweep" -> manager.sweep(step.time());
                case "number" -> {
                    ChannelBinding b = a.channel(step.number());
                    assertEquals(step.expectedNumber(), b == null ? null : b.number(), step.toString());
                    if (b != null) {
                        assertEquals(step.number(), b.number());
                    }
                }
                case "peer" -> {
                    ChannelBinding b = a.channelFor(peer(step.peerPort()));
                    assertEquals(step.expectedNumber(), b == null ? null : b.number(), step.toString());
                    if (b != null) {
                        assertEquals(peer(step.peerPort()), b.peer());
                    }
                }
                default -> throw new IllegalArgumentException(step.op());
            }
        }
    }

    private static InetSocketAddress peer(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }
}
