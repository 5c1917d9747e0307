package io.c2c.relay.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.c2c.relay.protocol.MessageIntegrity;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TURN REST API credentials (pure logic, no Quarkus needed). */
class TurnRestCredentialsTest {

    /** Computed independently: echo -n 1700000000:site-a:peer-1 | openssl dgst -sha1 -hmac s3cret -binary | base64. */
    @Test
    void passwordMatchesCoturnFormula() {
        assertEquals("8JV8G6P1aUZFpWTgyD/OBQQdiyU=", TurnRestCredentials.password("s3cret", "1700000000:site-a:peer-1"));
    }

    @Test
    void usernameRoundTrip() {
        String username = TurnRestCredentials.username(1700000000L, "site-a", "peer-1");
        assertEquals("1700000000:site-a:peer-1", username);
        assertEquals(new TurnRestCredentials.User(1700000000L, "site-a", "peer-1"), TurnRestCredentials.parse(username));
        assertEquals(new TurnRestCredentials.User(5L, "alice", ""), TurnRestCredentials.parse("5:alice"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice", ":site:peer", "abc:site:peer", "123:", "123::peer", "99999999999999999999:s:p"})
    void malformedUsernamesAreRejected(String username) {
        assertNull(TurnRestCredentials.parse(username));
    }

    @Test
    void everySecretGivesACandidateKeyCurrentFirst() {
        TurnRestCredentials credentials = new TurnRestCredentials(List.of("new", "old"), "c2c");
        String user = "1700000000:s:p";
        List<byte[]> keys = credentials.candidateKeys(user);
        assertEquals(2, keys.size());
        assertArrayEquals(MessageIntegrity.longTermKey(user, "c2c", TurnRestCredentials.password("new", user)), keys.get(0));
        assertArrayEquals(MessageIntegrity.longTermKey(user, "c2c", TurnRestCredentials.password("old", user)), keys.get(1));
        assertEquals(TurnRestCredentials.password("new", user), credentials.password(user));
    }

    @Test
    void aSecretIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> new TurnRestCredentials(List.of(), "r"));
        assertThrows(IllegalArgumentException.class, () -> new TurnRestCredentials(List.of(" "), "r"));
    }
}
