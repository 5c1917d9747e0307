package io.c2c.relay.server;

import static io.c2c.relay.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.protocol.ChannelData;
import io.c2c.relay.protocol.ChannelNumber;
import io.c2c.relay.protocol.Data;
import io.c2c.relay.protocol.Lifetime;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMessage;
import io.c2c.relay.protocol.StunMessageBuilder;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.XorPeerAddress;
import io.c2c.relay.service.RelayService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Datagrams longer than {@link TurnServer#MAX_UDP_DATAGRAM} on the UDP listener and on relay
 * sockets are dropped and counted ({@code too-large}), never relayed truncated; the largest
 * accepted datagram is relayed byte for byte; TCP clients' large frames are relayed whole. Each
 * drop is awaited on its counter, then a small marker is sent: the first thing the other side
 * receives must be the marker, so a truncated copy of the large packet would fail the test.
 */
@QuarkusTest
class LargeDatagramTest {

    private static final int CHANNEL = 0x4010;
    private static final byte[] MARKER = {'m', 'a', 'r', 'k'};

    @Inject
    RelayService relay;

    /** The relayed address of the allocation {@link #bound} made last. */
    private InetSocketAddress relayed;

    private static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static DatagramSocket peer() throws Exception {
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        peer.setReceiveBufferSize(1 << 20);
        peer.setSoTimeout(TurnTestClient.TIMEOUT_MS * 2);
        return peer;
    }

    /** An allocation with a channel to {@code peer}. */
    private TurnTestClient bound(String transport, DatagramSocket peer, String name) throws Exception {
        InetSocketAddress server = relay.listeners().udpAddress();
        TurnTestClient client = "udp".equals(transport) ? TurnTestClient.udp(server) : TurnTestClient.tcp(server);
        client.credentials("test-secret-current", inAnHour(), "site-large", name + "-" + transport);
        StunMessage allocated = client.allocate();
        assertEquals(StunClass.SUCCESS, allocated.messageClass());
        relayed = TurnTestClient.relayed(allocated);
        assertEquals(0, errorCode(client.request(StunMethod.CHANNEL_BIND, new ChannelNumber(CHANNEL),
                new XorPeerAddress((InetSocketAddress) peer.getLocalSocketAddress()))));
        return client;
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        socket.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private static byte[] sendIndication(InetSocketAddress peer, byte[] data) {
        return StunMessageBuilder.create(StunMethod.SEND, StunClass.INDICATION, StunMessageBuilder.newTransactionId())
                .add(new XorPeerAddress(peer)).add(new Data(data)).build();
    }

    /** Waits (bounded) until the too-large counter passes {@code before}. */
    private void awaitTooLarge(double before) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (relay.metrics().droppedCount("too-large") <= before) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no too-large drop was counted");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void udpClientDatagramsOverTheLimitAreDroppedNotTruncated() throws Exception {
        try (DatagramSocket peer = peer(); TurnTestClient client = bound("udp", peer, "client-big")) {
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            byte[][] tooLarge = {
                ChannelData.encode(CHANNEL, random(5996, 1), 0, 5996, false),           // 6000-byte datagram
                ChannelData.encode(CHANNEL, random(64996, 2), 0, 64996, false),         // 65,000-byte datagram
                ChannelData.encode(CHANNEL, random(4092, 3), 0, 4092, false),           // one byte over the limit
                sendIndication(peerAddress, random(6000, 4)),
                sendIndication(peerAddress, random(60000, 5)),
            };
            for (byte[] datagram : tooLarge) {
                double before = relay.metrics().droppedCount("too-large");
                client.sendRaw(datagram);
                awaitTooLarge(before);
                client.sendChannelData(CHANNEL, MARKER);
                assertArrayEquals(MARKER, receive(peer), "the " + datagram.length + "-byte datagram was not relayed");
            }
            byte[] largest = random(TurnServer.MAX_UDP_DATAGRAM - 4, 6);
            client.sendChannelData(CHANNEL, largest);
            assertArrayEquals(largest, receive(peer), "a datagram of exactly the limit is relayed whole");
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @ParameterizedTest(name = "to a {0} client")
    @ValueSource(strings = {"udp", "tcp"})
    void peerDatagramsOverTheLimitAreDroppedNotTruncated(String transport) throws Exception {
        try (DatagramSocket peer = peer(); TurnTestClient client = bound(transport, peer, "peer-big")) {
            for (int size : new int[] {6000, 65000, TurnServer.MAX_UDP_DATAGRAM + 1}) {
                double before = relay.metrics().droppedCount("too-large");
                peer.send(new DatagramPacket(random(size, size), size, relayed));
                awaitTooLarge(before);
                peer.send(new DatagramPacket(MARKER, MARKER.length, relayed));
                byte[] frame = client.receive(TurnTestClient.TIMEOUT_MS * 2);
                assertNotNull(frame, "the marker after the " + size + "-byte datagram arrives");
                assertArrayEquals(MARKER, ChannelData.decode(frame, 0, frame.length).payload(),
                        "the " + size + "-byte datagram was not relayed");
            }
            byte[] largest = random(TurnServer.MAX_UDP_DATAGRAM, 7);
            peer.send(new DatagramPacket(largest, largest.length, relayed));
            byte[] frame = client.receive(TurnTestClient.TIMEOUT_MS * 2);
            assertNotNull(frame);
            assertArrayEquals(largest, ChannelData.decode(frame, 0, frame.length).payload());
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void tcpClientLargeFramesAreRelayedWhole() throws Exception {
        try (DatagramSocket peer = peer(); TurnTestClient client = bound("tcp", peer, "tcp-big")) {
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            for (int size : new int[] {6000, 65000}) {
                byte[] payload = random(size, 10 + size);
                client.sendChannelData(CHANNEL, payload);
                assertArrayEquals(payload, receive(peer), size + " bytes of ChannelData relayed whole");
                byte[] data = random(size, 20 + size);
                client.sendRaw(sendIndication(peerAddress, data));
                assertArrayEquals(data, receive(peer), size + " bytes of a Send indication relayed whole");
            }
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }
}
