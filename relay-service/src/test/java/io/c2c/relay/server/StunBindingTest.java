package io.c2c.relay.server;

import static io.c2c.relay.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.protocol.AttributeType;
import io.c2c.relay.protocol.ErrorCode;
import io.c2c.relay.protocol.Software;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMessage;
import io.c2c.relay.protocol.StunMessageBuilder;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.UnknownAttributes;
import io.c2c.relay.protocol.XorMappedAddress;
import io.c2c.relay.service.RelayService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** STUN Binding over UDP and TCP, and what the listeners do with malformed input. */
@QuarkusTest
class StunBindingTest {

    @Inject
    RelayService relay;

    private InetSocketAddress server() {
        return relay.listeners().udpAddress();
    }

    private static byte[] bindingRequest() {
        return StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, StunMessageBuilder.newTransactionId())
                .buildWithFingerprint();
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"udp", "tcp"})
    void bindingReturnsTheReflexiveAddress(String transport) throws Exception {
        try (TurnTestClient client = "udp".equals(transport) ? TurnTestClient.udp(server()) : TurnTestClient.tcp(server())) {
            StunMessage response = client.transact(bindingRequest());
            assertNotNull(response);
            assertEquals(StunClass.SUCCESS, response.messageClass());
            assertEquals(client.localAddress(), XorMappedAddress.decode(
                    response.attribute(AttributeType.XOR_MAPPED_ADDRESS).value(), response.transactionId()).address());
            assertEquals("c2c-relay", Software.decode(response.attribute(AttributeType.SOFTWARE).value()).value());
            assertTrue(response.has(AttributeType.FINGERPRINT));
        }
    }

    @Test
    void unknownComprehensionRequiredAttributeGets420() throws Exception {
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            byte[] request = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST,
                    StunMessageBuilder.newTransactionId()).addRaw(0x7ABC, new byte[] {1, 2, 3, 4}).addRaw(0xC001, new byte[4])
                    .buildWithFingerprint();
            StunMessage response = client.transact(request);
            assertEquals(ErrorCode.UNKNOWN_ATTRIBUTE, errorCode(response));
            assertEquals(java.util.List.of(0x7ABC),
                    UnknownAttributes.decode(response.attribute(AttributeType.UNKNOWN_ATTRIBUTES).value()).types(),
                    "only the comprehension-required one is named");
        }
    }

    @Test
    void malformedRequestGets400AndBadFingerprintIsDropped() throws Exception {
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            // LIFETIME claiming 8 bytes where 4 are present: a bad attribute length.
            byte[] bad = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, StunMessageBuilder.newTransactionId())
                    .add(new io.c2c.relay.protocol.Lifetime(1)).build();
            bad[23] = 8;
            StunMessage response = client.transact(bad);
            assertEquals(ErrorCode.BAD_REQUEST, errorCode(response));

            byte[] badFingerprint = bindingRequest();
            badFingerprint[badFingerprint.length - 1] ^= 1;
            assertNull(client.transact(badFingerprint), "not STUN: no answer");

            // The listener survives and still answers.
            assertEquals(StunClass.SUCCESS, client.transact(bindingRequest()).messageClass());
        }
    }

    @Test
    void randomGarbageNeverBreaksTheUdpListener() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        double before = relay.metrics().droppedCount("malformed") + relay.metrics().droppedCount("not-stun");
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            byte[] seed = bindingRequest();
            for (int i = 0; i < 300; i++) {
                byte[] packet = random.nextBoolean() ? new byte[random.nextInt(1, 120)] : seed.clone();
                if (packet != seed) {
                    random.nextBytes(packet);
                }
                packet[random.nextInt(packet.length)] ^= (byte) (1 + random.nextInt(255));
                client.sendRaw(packet);
            }
            while (client.receive(200) != null) {
                // drain answers to the mutants that were still valid requests
            }
            assertEquals(StunClass.SUCCESS, client.transact(bindingRequest()).messageClass());
        }
        double after = relay.metrics().droppedCount("malformed") + relay.metrics().droppedCount("not-stun");
        assertTrue(after > before, "garbage is counted");
    }

    @Test
    void tcpGarbageClosesTheConnection() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(server(), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(new byte[] {(byte) 0x80, 1, 2, 3, 4, 5, 6, 7});
            InputStream in = socket.getInputStream();
            assertEquals(-1, in.read(), "closed by the server");
        }
        try (Socket socket = new Socket()) {
            socket.connect(server(), 2000);
            socket.setSoTimeout(2000);
            // A frame header announcing more than the frame limit.
            byte[] huge = new byte[] {0x00, 0x01, (byte) 0xFF, (byte) 0xFC};
            socket.getOutputStream().write(Arrays.copyOf(huge, 4));
            assertEquals(-1, socket.getInputStream().read(), "closed by the server");
        }
    }
}
