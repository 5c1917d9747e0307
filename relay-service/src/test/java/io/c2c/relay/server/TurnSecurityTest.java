package io.c2c.relay.server;

import static io.c2c.relay.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.protocol.ChannelNumber;
import io.c2c.relay.protocol.Data;
import io.c2c.relay.protocol.ErrorCode;
import io.c2c.relay.protocol.Lifetime;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMessageBuilder;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.XorPeerAddress;
import io.c2c.relay.service.RelayService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forbidden peer addresses at CreatePermission, ChannelBind and Send; quotas (486) and the
 * per-allocation bandwidth cap. Only 127.0.0.1/32 and ::1/128 are allow-listed in the test profile, so
 * 127.0.0.2 proves that loopback stays denied unless allow-listed (::1 is denied by default, see
 * PeerAddressPolicyTest; TurnIpv6Test checks the IPv6 classes on an IPv6 allocation).
 */
@QuarkusTest
class TurnSecurityTest {

    @Inject
    RelayService relay;

    private InetSocketAddress server() {
        return relay.listeners().udpAddress();
    }

    private static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    private TurnTestClient allocated(String peer) throws Exception {
        TurnTestClient client = TurnTestClient.udp(server());
        client.credentials("test-secret-current", inAnHour(), "site-security", peer);
        assertEquals(StunClass.SUCCESS, client.allocate().messageClass());
        return client;
    }

    private static InetAddress raw(String hex) throws Exception {
        return Inet6Address.getByAddress(null, HexFormat.of().parseHex(hex), -1);
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"127.0.0.2", "0.0.0.0", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1",
        "169.254.169.254", "224.0.0.1", "255.255.255.255", "192.0.2.1", "::", "fe80::1", "fd00::1", "ff02::1",
        "mapped:00000000000000000000ffff7f000002", "mapped:00000000000000000000ffffa9fea9fe",
        "mapped:0000000000000000000000000a000001"})
    void forbiddenPeersAreRefusedAtCreatePermissionAndChannelBind(String ip) throws Exception {
        InetAddress address = ip.startsWith("mapped:") ? raw(ip.substring(7)) : InetAddress.getByName(ip);
        try (TurnTestClient client = allocated("forbidden")) {
            InetSocketAddress peer = new InetSocketAddress(address, 5000);
            assertEquals(ErrorCode.FORBIDDEN, errorCode(client.request(StunMethod.CREATE_PERMISSION, new XorPeerAddress(peer))));
            assertEquals(ErrorCode.FORBIDDEN, errorCode(client.request(StunMethod.CHANNEL_BIND, new ChannelNumber(0x4005),
                    new XorPeerAddress(peer))));
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void sendToAForbiddenLoopbackPeerNeverArrives() throws Exception {
        double before = relay.metrics().droppedCount("forbidden-peer");
        try (TurnTestClient client = allocated("send-forbidden");
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            peer.setSoTimeout(500);
            client.sendRaw(StunMessageBuilder.create(StunMethod.SEND, StunClass.INDICATION,
                    StunMessageBuilder.newTransactionId())
                    .add(new XorPeerAddress((InetSocketAddress) peer.getLocalSocketAddress()))
                    .add(new Data(new byte[] {1, 2, 3})).build());
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            assertThrowsTimeout(peer, p);
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
        assertTrue(relay.metrics().droppedCount("forbidden-peer") > before);
    }

    @Test
    void publicIpv6PeerGets443OnAnIpv4Relay() throws Exception {
        try (TurnTestClient client = allocated("ipv6")) {
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("2606:4700::1"), 5000);
            assertEquals(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH,
                    errorCode(client.request(StunMethod.CREATE_PERMISSION, new XorPeerAddress(peer))));
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void perUserQuotaAnswers486() throws Exception {
        List<TurnTestClient> clients = new ArrayList<>();
        try {
            long expiry = inAnHour();
            for (int i = 0; i < 4; i++) {
                TurnTestClient client = TurnTestClient.udp(server());
                clients.add(client);
                client.credentials("test-secret-current", expiry, "site-quota", "greedy");
                int code = errorCode(client.allocate());
                assertEquals(i < 3 ? 0 : ErrorCode.ALLOCATION_QUOTA_REACHED, code, "allocation " + (i + 1));
            }
        } finally {
            for (TurnTestClient c : clients.subList(0, Math.min(3, clients.size()))) {
                c.request(StunMethod.REFRESH, new Lifetime(0));
            }
            for (TurnTestClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void bandwidthCapDropsTheExcess() throws Exception {
        double before = relay.metrics().droppedCount("bandwidth");
        try (TurnTestClient client = allocated("bandwidth");
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setReceiveBufferSize(1 << 20);
            peer.setSoTimeout(500);
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            assertEquals(StunClass.SUCCESS, client.request(StunMethod.CHANNEL_BIND, new ChannelNumber(0x4002),
                    new XorPeerAddress(peerAddress)).messageClass());
            // 500 kB offered at once against a 200 kB/s cap with a one-second burst.
            for (int i = 0; i < 500; i++) {
                client.sendChannelData(0x4002, new byte[1000]);
            }
            int received = 0;
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            try {
                while (true) {
                    peer.receive(p);
                    received++;
                }
            } catch (java.net.SocketTimeoutException done) {
                // all that was let through has arrived
            }
            assertTrue(received >= 150 && received < 400, "about the burst gets through: " + received);
            client.request(StunMethod.REFRESH, new Lifetime(0));
        }
        assertTrue(relay.metrics().droppedCount("bandwidth") > before);
    }

    private static void assertThrowsTimeout(DatagramSocket socket, DatagramPacket p) throws Exception {
        try {
            socket.receive(p);
            throw new AssertionError("a packet reached a forbidden peer");
        } catch (java.net.SocketTimeoutException expected) {
            assertNull(null);
        }
    }
}
