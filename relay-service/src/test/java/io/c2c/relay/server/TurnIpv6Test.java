package io.c2c.relay.server;

import static io.c2c.relay.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.protocol.AttributeType;
import io.c2c.relay.protocol.ChannelData;
import io.c2c.relay.protocol.ChannelNumber;
import io.c2c.relay.protocol.Data;
import io.c2c.relay.protocol.ErrorCode;
import io.c2c.relay.protocol.EvenPort;
import io.c2c.relay.protocol.Lifetime;
import io.c2c.relay.protocol.RequestedAddressFamily;
import io.c2c.relay.protocol.ReservationToken;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMessage;
import io.c2c.relay.protocol.StunMessageBuilder;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.XorMappedAddress;
import io.c2c.relay.protocol.XorPeerAddress;
import io.c2c.relay.service.RelayService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IPv6 relaying (RFC 6156 / RFC 8656) over ::1: the test profile listens on ::1 besides 127.0.0.1,
 * binds IPv6 relay sockets on ::1 and allow-lists ::1/128 for the peer sockets. The whole flow for
 * every mix of client family and relay family, 443 for a peer of the other family (dropped and
 * counted for Send), 440 for an unknown family, EVEN-PORT pairs in IPv6, and every forbidden IPv6
 * class still refused on an IPv6 relay. (440 with IPv6 relaying off: {@link StandaloneServerTest}.)
 */
@QuarkusTest
class TurnIpv6Test {

    private static final String SECRET = "test-secret-current";

    @Inject
    RelayService relay;

    private static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    private InetSocketAddress server(String family) {
        return ("v6".equals(family) ? relay.listenersV6() : relay.listeners()).udpAddress();
    }

    private static RequestedAddressFamily family(String family) {
        return new RequestedAddressFamily("v6".equals(family) ? RequestedAddressFamily.IPV6 : RequestedAddressFamily.IPV4);
    }

    private static DatagramSocket peerSocket(String family) throws Exception {
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress("v6".equals(family) ? "::1" : "127.0.0.1", 0));
        peer.setSoTimeout(TurnTestClient.TIMEOUT_MS * 2);
        return peer;
    }

    private TurnTestClient client(String transport, String clientFamily, String name) throws Exception {
        InetSocketAddress server = server(clientFamily);
        TurnTestClient client = "udp".equals(transport) ? TurnTestClient.udp(server) : TurnTestClient.tcp(server);
        client.credentials(SECRET, inAnHour(), "site-ipv6", name);
        return client;
    }

    private TurnTestClient allocated(String relayFamily, String name) throws Exception {
        TurnTestClient client = client("udp", "v4", name);
        StunMessage allocated = client.allocate(family(relayFamily));
        assertEquals(StunClass.SUCCESS, allocated.messageClass(), "allocate error " + errorCode(allocated));
        return client;
    }

    @Test
    void theListenerIsOnIpv6Loopback() {
        assertNotNull(relay.listenersV6(), "the test profile sets c2c.relay.listen-address-v6");
        assertInstanceOf(Inet6Address.class, relay.listenersV6().udpAddress().getAddress());
        assertInstanceOf(Inet6Address.class, relay.listenersV6().tcpAddress().getAddress());
    }

    @ParameterizedTest(name = "{0} client over {1}, {2} relay")
    @CsvSource({"udp, v6, v6", "tcp, v6, v6", "udp, v4, v6", "tcp, v4, v6", "udp, v6, v4", "tcp, v6, v4"})
    void fullFlow(String transport, String clientFamily, String relayFamily) throws Exception {
        try (TurnTestClient client = client(transport, clientFamily, "flow-" + transport + clientFamily + relayFamily);
             DatagramSocket peer = peerSocket(relayFamily)) {
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();

            StunMessage allocated = client.allocate(family(relayFamily));
            assertEquals(StunClass.SUCCESS, allocated.messageClass(), "allocate error " + errorCode(allocated));
            InetSocketAddress relayed = TurnTestClient.relayed(allocated);
            assertEquals(InetAddress.getByName("v6".equals(relayFamily) ? "::1" : "127.0.0.1"), relayed.getAddress(),
                    "XOR-RELAYED-ADDRESS of the requested family");
            assertTrue(relayed.getPort() >= 42000 && relayed.getPort() <= 42999, "relay port from the range");
            InetSocketAddress mapped = XorMappedAddress.decode(allocated.attribute(AttributeType.XOR_MAPPED_ADDRESS).value(),
                    allocated.transactionId()).address();
            assertEquals(client.localAddress(), mapped, "XOR-MAPPED-ADDRESS is the client's own address and family");

            assertEquals(0, errorCode(client.request(StunMethod.CREATE_PERMISSION, new XorPeerAddress(peerAddress))));

            byte[] hello = "hello v6 peer".getBytes(StandardCharsets.UTF_8);
            client.sendRaw(StunMessageBuilder.create(StunMethod.SEND, StunClass.INDICATION,
                    StunMessageBuilder.newTransactionId()).add(new XorPeerAddress(peerAddress)).add(new Data(hello)).build());
            DatagramPacket atPeer = new DatagramPacket(new byte[2048], 2048);
            peer.receive(atPeer);
            assertArrayEquals(hello, Arrays.copyOf(atPeer.getData(), atPeer.getLength()));
            assertEquals(relayed, atPeer.getSocketAddress(), "comes from the relayed address");

            byte[] reply = "hello v6 client".getBytes(StandardCharsets.UTF_8);
            peer.send(new DatagramPacket(reply, reply.length, relayed));
            StunMessage data = StunMessage.decode(client.receive(TurnTestClient.TIMEOUT_MS * 2));
            assertEquals(StunMethod.DATA, data.method());
            assertArrayEquals(reply, data.attribute(AttributeType.DATA).value());
            assertEquals(peerAddress, XorPeerAddress.decode(data.attribute(AttributeType.XOR_PEER_ADDRESS).value(),
                    data.transactionId()).address());

            assertEquals(0, errorCode(client.request(StunMethod.CHANNEL_BIND, new ChannelNumber(0x4006),
                    new XorPeerAddress(peerAddress))));
            byte[] viaChannel = "odd-sized!".getBytes(StandardCharsets.UTF_8);
            client.sendChannelData(0x4006, viaChannel);
            peer.receive(atPeer);
            assertArrayEquals(viaChannel, Arrays.copyOf(atPeer.getData(), atPeer.getLength()));

            peer.send(new DatagramPacket(reply, reply.length, relayed));
            byte[] frame = client.receive(TurnTestClient.TIMEOUT_MS * 2);
            assertNotNull(frame);
            ChannelData channelData = ChannelData.decode(frame, 0, frame.length);
            assertEquals(0x4006, channelData.channel());
            assertArrayEquals(reply, channelData.payload());

            assertEquals(0, errorCode(client.request(StunMethod.REFRESH, new Lifetime(0))));
            peer.send(new DatagramPacket(reply, reply.length, relayed));
            assertNull(client.receive(300), "nothing is relayed after the allocation ended");
        }
    }

    @ParameterizedTest(name = "{0} relay, peer of the other family")
    @ValueSource(strings = {"v6", "v4"})
    void aPeerOfTheOtherFamilyGets443AndSendIsDropped(String relayFamily) throws Exception {
        String other = "v6".equals(relayFamily) ? "v4" : "v6";
        try (TurnTestClient client = allocated(relayFamily, "mismatch-" + relayFamily);
             DatagramSocket peer = peerSocket(other)) {
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            assertEquals(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH,
                    errorCode(client.request(StunMethod.CREATE_PERMISSION, new XorPeerAddress(peerAddress))));
            assertEquals(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, errorCode(client.request(StunMethod.CHANNEL_BIND,
                    new ChannelNumber(0x4007), new XorPeerAddress(peerAddress))));

            double before = relay.metrics().droppedCount("peer-family-mismatch");
            client.sendRaw(StunMessageBuilder.create(StunMethod.SEND, StunClass.INDICATION,
                    StunMessageBuilder.newTransactionId()).add(new XorPeerAddress(peerAddress))
                    .add(new Data(new byte[] {1, 2, 3})).build());
            awaitDropped("peer-family-mismatch", before);
            // Counted means dropped: nothing can be on its way to the peer any more.
            assertNothingArrives(peer);
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void anIpv4MappedPeerIsIpv4ForAnIpv6Relay() throws Exception {
        try (TurnTestClient client = allocated("v6", "mapped")) {
            InetAddress mapped = Inet6Address.getByAddress(null,
                    new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1}, -1);
            assertEquals(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, errorCode(client.request(StunMethod.CREATE_PERMISSION,
                    new XorPeerAddress(new InetSocketAddress(mapped, 5000)))));
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void anUnknownAddressFamilyGets440() throws Exception {
        try (TurnTestClient client = client("udp", "v6", "family-3")) {
            assertEquals(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, errorCode(client.allocate(new RequestedAddressFamily(0x03))));
            assertEquals(0, relay.allocations().all().stream()
                    .filter(a -> a.fiveTuple().client().equals(client.localAddress())).count(), "no allocation made");
        }
    }

    @Test
    void evenPortPairsWorkInIpv6() throws Exception {
        try (TurnTestClient first = client("udp", "v6", "pair-1"); TurnTestClient second = client("udp", "v6", "pair-2")) {
            StunMessage even = first.allocate(family("v6"), new EvenPort(true));
            assertEquals(StunClass.SUCCESS, even.messageClass(), "allocate error " + errorCode(even));
            InetSocketAddress evenAddress = TurnTestClient.relayed(even);
            assertInstanceOf(Inet6Address.class, evenAddress.getAddress());
            assertEquals(0, evenAddress.getPort() % 2);
            ReservationToken token = ReservationToken.decode(even.attribute(AttributeType.RESERVATION_TOKEN).value());

            StunMessage odd = second.allocate(token);
            assertEquals(StunClass.SUCCESS, odd.messageClass(), "allocate error " + errorCode(odd));
            InetSocketAddress oddAddress = TurnTestClient.relayed(odd);
            assertEquals(new InetSocketAddress(evenAddress.getAddress(), evenAddress.getPort() + 1), oddAddress,
                    "the reserved IPv6 port is the next one, same family");
            first.request(StunMethod.REFRESH, new Lifetime(0));
            second.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @ParameterizedTest(name = "{0} is refused on an IPv6 relay")
    @ValueSource(strings = {"::", "fe80::1", "fd00::1", "fd00:ec2::254", "fec0::1", "ff02::1", "2001:db8::1", "100::1",
        "2001::1", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:a00:1::1", "::a00:1", "::ffff:a9fe:a9fe"})
    void forbiddenIpv6ClassesAreRefused(String ip) throws Exception {
        InetSocketAddress peer = new InetSocketAddress(raw(ip), 5000);
        try (TurnTestClient client = allocated("v6", "forbidden-v6")) {
            assertEquals(ErrorCode.FORBIDDEN, errorCode(client.request(StunMethod.CREATE_PERMISSION, new XorPeerAddress(peer))));
            assertEquals(ErrorCode.FORBIDDEN, errorCode(client.request(StunMethod.CHANNEL_BIND, new ChannelNumber(0x4008),
                    new XorPeerAddress(peer))));
            double before = relay.metrics().droppedCount("forbidden-peer");
            client.sendRaw(StunMessageBuilder.create(StunMethod.SEND, StunClass.INDICATION,
                    StunMessageBuilder.newTransactionId()).add(new XorPeerAddress(peer)).add(new Data(new byte[] {1})).build());
            awaitDropped("forbidden-peer", before);
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    /** The address of an IPv6 literal, kept in its IPv6 form (Java turns ::ffff:a.b.c.d into IPv4 itself). */
    private static InetAddress raw(String literal) throws Exception {
        return Inet6Address.getByAddress(null, InetAddress.getByName(literal).getAddress().length == 16
                ? InetAddress.getByName(literal).getAddress() : mappedBytes(InetAddress.getByName(literal)), -1);
    }

    private static byte[] mappedBytes(InetAddress v4) {
        byte[] raw = new byte[16];
        raw[10] = (byte) 0xff;
        raw[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, raw, 12, 4);
        return raw;
    }

    private void awaitDropped(String reason, double before) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (relay.metrics().droppedCount(reason) <= before) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no " + reason + " drop was counted");
            }
            Thread.sleep(10);
        }
    }

    private static void assertNothingArrives(DatagramSocket socket) throws Exception {
        socket.setSoTimeout(300);
        try {
            socket.receive(new DatagramPacket(new byte[64], 64));
            throw new AssertionError("a packet reached a peer of the other family");
        } catch (SocketTimeoutException expected) {
            // dropped, as counted
        }
    }
}
