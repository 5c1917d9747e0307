package io.c2c.relay.server;

import static io.c2c.relay.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.protocol.AttributeType;
import io.c2c.relay.protocol.ErrorCode;
import io.c2c.relay.protocol.Lifetime;
import io.c2c.relay.protocol.Realm;
import io.c2c.relay.protocol.RequestedTransport;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMessage;
import io.c2c.relay.protocol.StunMessageBuilder;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.service.RelayService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The long-term credential mechanism with TURN REST API credentials, against the running server. */
@QuarkusTest
class TurnAuthTest {

    @Inject
    RelayService relay;

    private InetSocketAddress server() {
        return relay.listeners().udpAddress();
    }

    private static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    private void release(TurnTestClient client) throws Exception {
        StunMessage answer = client.request(StunMethod.REFRESH, new Lifetime(0));
        assertEquals(StunClass.SUCCESS, answer.messageClass(), "Refresh(0) error " + errorCode(answer));
    }

    @Test
    void unauthenticatedAllocateGets401WithRealmAndNonceAndNoAllocation() throws Exception {
        int before = relay.allocations().count();
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            byte[] request = StunMessageBuilder.create(StunMethod.ALLOCATE, StunClass.REQUEST,
                    StunMessageBuilder.newTransactionId()).add(new RequestedTransport(17)).buildWithFingerprint();
            StunMessage challenge = client.transact(request);
            assertEquals(ErrorCode.UNAUTHORIZED, errorCode(challenge));
            assertEquals("c2c", Realm.decode(challenge.attribute(AttributeType.REALM).value()).value());
            assertTrue(challenge.has(AttributeType.NONCE));
            assertEquals(false, challenge.hasIntegrity(), "a 401 cannot be signed");
        }
        assertEquals(before, relay.allocations().count());
    }

    @Test
    void currentAndPreviousSecretsAreAccepted() throws Exception {
        for (String secret : new String[] {"test-secret-current", "test-secret-previous"}) {
            try (TurnTestClient client = TurnTestClient.udp(server())) {
                client.credentials(secret, inAnHour(), "site-auth", "rotation");
                StunMessage allocated = client.allocate();
                assertEquals(StunClass.SUCCESS, allocated.messageClass(), secret + ": " + errorCode(allocated));
                release(client);
            }
        }
    }

    @Test
    void wrongSecretExpiredUsernameAndForeignRealmGet401() throws Exception {
        double badIntegrity = relay.metrics().authFailureCount("bad-integrity");
        double expired = relay.metrics().authFailureCount("expired");
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            client.credentials("not-our-secret", inAnHour(), "site-auth", "intruder");
            assertEquals(ErrorCode.UNAUTHORIZED, errorCode(client.allocate()));
        }
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            client.credentials("test-secret-current", System.currentTimeMillis() / 1000 - 1, "site-auth", "late");
            assertEquals(ErrorCode.UNAUTHORIZED, errorCode(client.allocate()), "expired credentials");
        }
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            client.credentials("test-secret-current", inAnHour(), "site-auth", "realm");
            client.challenge();
            client.credentials("not-a-rest-username", "x");
            assertEquals(ErrorCode.UNAUTHORIZED, errorCode(client.transact(client.signed(StunMethod.ALLOCATE,
                    new RequestedTransport(17)))));
        }
        assertTrue(relay.metrics().authFailureCount("bad-integrity") > badIntegrity);
        assertTrue(relay.metrics().authFailureCount("expired") > expired);
    }

    @Test
    void forgedNonceGets438WithAFreshNonce() throws Exception {
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            client.credentials("test-secret-current", inAnHour(), "site-auth", "nonce");
            client.challenge();
            client.nonce("18c0000000-forgedforgedforged");
            StunMessage stale = client.transact(client.signed(StunMethod.ALLOCATE, new RequestedTransport(17)));
            assertEquals(ErrorCode.STALE_NONCE, errorCode(stale));
            client.learn(stale);
            StunMessage allocated = client.transact(client.signed(StunMethod.ALLOCATE, new RequestedTransport(17)));
            assertEquals(StunClass.SUCCESS, allocated.messageClass());
            release(client);
        }
    }

    @Test
    void retransmittedAllocateGetsTheSameAnswerAndAnotherGets437() throws Exception {
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            client.credentials("test-secret-current", inAnHour(), "site-auth", "retransmit");
            client.challenge();
            byte[] request = client.signed(StunMethod.ALLOCATE, new RequestedTransport(17));
            StunMessage first = client.transact(request);
            StunMessage again = client.transact(request);
            assertEquals(StunClass.SUCCESS, first.messageClass());
            assertEquals(TurnTestClient.relayed(first), TurnTestClient.relayed(again));
            StunMessage other = client.transact(client.signed(StunMethod.ALLOCATE, new RequestedTransport(17)));
            assertEquals(ErrorCode.ALLOCATION_MISMATCH, errorCode(other));
            StunMessage tcpTransport = client.transact(client.signed(StunMethod.CREATE_PERMISSION));
            assertEquals(ErrorCode.BAD_REQUEST, errorCode(tcpTransport), "CreatePermission without a peer");
            release(client);
        }
    }

    @Test
    void otherUsersCannotTouchAnAllocationAndRequestsWithoutOneGet437() throws Exception {
        // One expiry for both users: the username embeds it, so a second boundary crossed between two
        // inAnHour() calls would make "owner" another user (441) on a slow machine.
        long expiry = inAnHour();
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            client.credentials("test-secret-current", expiry, "site-auth", "owner");
            assertEquals(StunClass.SUCCESS, client.allocate().messageClass());
            client.credentials("test-secret-current", expiry, "site-auth", "someone-else");
            assertEquals(ErrorCode.WRONG_CREDENTIALS, errorCode(client.request(StunMethod.REFRESH, new Lifetime(600))));
            client.credentials("test-secret-current", expiry, "site-auth", "owner");
            release(client);
            assertEquals(ErrorCode.ALLOCATION_MISMATCH, errorCode(client.request(StunMethod.REFRESH, new Lifetime(600))));
        }
    }

    @Test
    void unsupportedTransportAndFamilyAreRefused() throws Exception {
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            client.credentials("test-secret-current", inAnHour(), "site-auth", "transport");
            client.challenge();
            assertEquals(ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, errorCode(client.transact(
                    client.signed(StunMethod.ALLOCATE, new RequestedTransport(RequestedTransport.TCP)))));
            // An unknown family (IPv6 is on in the test profile; IPv6 off: StandaloneServerTest).
            assertEquals(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, errorCode(client.transact(client.signed(
                    StunMethod.ALLOCATE, new RequestedTransport(17), new io.c2c.relay.protocol.RequestedAddressFamily(0x03)))));
            assertEquals(ErrorCode.BAD_REQUEST, errorCode(client.transact(client.signed(StunMethod.ALLOCATE))),
                    "REQUESTED-TRANSPORT missing");
        }
    }

    @Test
    void unauthorizedAnswersAreRateLimitedPerSource() throws Exception {
        double limited = relay.metrics().droppedCount("challenge-rate-limited");
        int answers = 0;
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            for (int i = 0; i < 300; i++) {
                client.sendRaw(StunMessageBuilder.create(StunMethod.ALLOCATE, StunClass.REQUEST,
                        StunMessageBuilder.newTransactionId()).add(new RequestedTransport(17)).buildWithFingerprint());
            }
            while (client.receive(300) != null) {
                answers++;
            }
        }
        // The test profile allows 100 per second; 300 requests span at most two windows.
        assertTrue(answers > 0 && answers <= 200, "at most 100 per second per source, got " + answers);
        assertTrue(relay.metrics().droppedCount("challenge-rate-limited") > limited);
        Thread.sleep(1100); // let the window pass so other tests from 127.0.0.1 get their 401s
        assertNotNull(relay);
    }
}
