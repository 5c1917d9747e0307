package io.c2c.relay.server;

import static io.c2c.relay.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.protocol.AttributeType;
import io.c2c.relay.protocol.ChannelData;
import io.c2c.relay.protocol.ChannelNumber;
import io.c2c.relay.protocol.Data;
import io.c2c.relay.protocol.Lifetime;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole TURN flow over real loopback sockets, from UDP and from TCP clients:
 * Allocate (401 then success) → CreatePermission → Send → peer gets it → peer answers → Data
 * indication → ChannelBind → ChannelData both ways → Refresh(0) ends the allocation.
 */
@QuarkusTest
class TurnFlowTest {

    static final String SECRET = "test-secret-current";

    @Inject
    RelayService relay;

    static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"udp", "tcp"})
    void fullFlow(String transport) throws Exception {
        InetSocketAddress server = relay.listeners().udpAddress();
        try (TurnTestClient client = "udp".equals(transport) ? TurnTestClient.udp(server) : TurnTestClient.tcp(server);
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(TurnTestClient.TIMEOUT_MS);
            client.credentials(SECRET, inAnHour(), "site-flow", "peer-" + transport);
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();

            StunMessage allocated = client.allocate();
            assertNotNull(allocated, "allocate answered");
            assertEquals(StunClass.SUCCESS, allocated.messageClass(), "allocate error " + errorCode(allocated));
            assertTrue(allocated.verifyIntegrity(client.key()), "success is signed with the long-term key");
            InetSocketAddress relayed = TurnTestClient.relayed(allocated);
            assertTrue(relayed.getPort() >= 42000 && relayed.getPort() <= 42999, "relay port from the range");
            assertEquals(600, Lifetime.decode(allocated.attribute(AttributeType.LIFETIME).value()).seconds());
            assertEquals(client.localAddress(), XorMappedAddress.decode(
                    allocated.attribute(AttributeType.XOR_MAPPED_ADDRESS).value(), allocated.transactionId()).address());

            // Without a permission, the peer's packets are dropped.
            peer.send(new DatagramPacket(new byte[] {1}, 1, relayed));
            assertEquals(null, client.receive(300));

            StunMessage permitted = client.request(StunMethod.CREATE_PERMISSION, new XorPeerAddress(peerAddress));
            assertEquals(StunClass.SUCCESS, permitted.messageClass(), "permission error " + errorCode(permitted));

            byte[] hello = "hello peer".getBytes(StandardCharsets.UTF_8);
            client.sendRaw(StunMessageBuilder.create(StunMethod.SEND, StunClass.INDICATION,
                    StunMessageBuilder.newTransactionId()).add(new XorPeerAddress(peerAddress)).add(new Data(hello)).build());
            DatagramPacket atPeer = new DatagramPacket(new byte[2048], 2048);
            peer.receive(atPeer);
            assertArrayEquals(hello, Arrays.copyOf(atPeer.getData(), atPeer.getLength()));
            assertEquals(relayed.getPort(), atPeer.getPort(), "comes from the relayed address");

            byte[] reply = "hello client".getBytes(StandardCharsets.UTF_8);
            peer.send(new DatagramPacket(reply, reply.length, relayed));
            StunMessage data = StunMessage.decode(client.receive(TurnTestClient.TIMEOUT_MS));
            assertEquals(StunMethod.DATA, data.method());
            assertEquals(StunClass.INDICATION, data.messageClass());
            assertArrayEquals(reply, data.attribute(AttributeType.DATA).value());
            assertEquals(peerAddress, XorPeerAddress.decode(data.attribute(AttributeType.XOR_PEER_ADDRESS).value(),
                    data.transactionId()).address());

            StunMessage bound = client.request(StunMethod.CHANNEL_BIND, new ChannelNumber(0x4001),
                    new XorPeerAddress(peerAddress));
            assertEquals(StunClass.SUCCESS, bound.messageClass(), "channel bind error " + errorCode(bound));

            byte[] viaChannel = "odd-sized!".getBytes(StandardCharsets.UTF_8); // 10 bytes: padding on TCP
            client.sendChannelData(0x4001, viaChannel);
            peer.receive(atPeer);
            assertArrayEquals(viaChannel, Arrays.copyOf(atPeer.getData(), atPeer.getLength()));

            peer.send(new DatagramPacket(reply, reply.length, relayed));
            byte[] frame = client.receive(TurnTestClient.TIMEOUT_MS);
            assertNotNull(frame);
            ChannelData channelData = ChannelData.decode(frame, 0, frame.length);
            assertEquals(0x4001, channelData.channel());
            assertArrayEquals(reply, channelData.payload());
            assertEquals(client.isTcp() ? 16 : 16, frame.length, "12-byte payload: no padding needed either way");

            StunMessage refreshed = client.request(StunMethod.REFRESH, new Lifetime(0));
            assertEquals(StunClass.SUCCESS, refreshed.messageClass());
            assertEquals(0, Lifetime.decode(refreshed.attribute(AttributeType.LIFETIME).value()).seconds());
            peer.send(new DatagramPacket(reply, reply.length, relayed));
            assertEquals(null, client.receive(300), "nothing is relayed after the allocation ended");
        }
    }
}
