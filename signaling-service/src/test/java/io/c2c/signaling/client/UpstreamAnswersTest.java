package io.c2c.signaling.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.protocol.MessageDecoder;
import io.c2c.signaling.protocol.out.Found;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure parsing of relay-service and discovery-service answers, no Quarkus: bounded and strict. */
class UpstreamAnswersTest {

    static JsonNode json(String text) throws Exception {
        return MessageDecoder.json().readTree(text);
    }

    @Test
    void iceServersFromRelay() throws Exception {
        IceServers ice = RelayClient.parse(json("{\"iceServers\":[{\"urls\":[\"turn:1.2.3.4:3478\"],\"username\":\"u\",\"credential\":\"c\"},"
                + "{\"urls\":\"stun:1.2.3.4\"}],\"ttlSeconds\":300}"));
        assertEquals(2, ice.servers().size());
        assertEquals(List.of("turn:1.2.3.4:3478"), ice.servers().get(0).urls());
        assertEquals("u", ice.servers().get(0).username());
        assertEquals(List.of("stun:1.2.3.4"), ice.servers().get(1).urls());
        assertEquals(300, ice.ttlSeconds());
    }

    @Test
    void malformedRelayAnswersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> RelayClient.parse(json("{}")));
        assertThrows(IllegalArgumentException.class, () -> RelayClient.parse(json("{\"iceServers\":[]}")));
        assertThrows(IllegalArgumentException.class, () -> RelayClient.parse(json("{\"iceServers\":[{\"urls\":[]}]}")));
        assertThrows(IllegalArgumentException.class, () -> RelayClient.parse(json("{\"iceServers\":[{}]}")));
    }

    @Test
    void discoveryAnswerIsLimitedAndNeverListsTheAskingPeer() throws Exception {
        Found found = DiscoveryClient.parse("r", "h", json("{\"siteId\":\"s\",\"asset\":\"h\",\"stale\":true,\"peers\":["
                + "{\"peerId\":\"me\",\"reason\":\"near\"},{\"peerId\":\"p1\",\"reason\":\"near\"},{\"reason\":\"no id\"},"
                + "{\"peerId\":\"p2\"},{\"peerId\":\"p3\"}]}"), 2, "me");
        assertEquals(2, found.peers().size());
        assertEquals("p1", found.peers().get(0).get("peerId").asText());
        assertEquals("p2", found.peers().get(1).get("peerId").asText());
        assertEquals(true, found.stale());
        assertThrows(IllegalArgumentException.class, () -> DiscoveryClient.parse("r", "h", json("{\"peers\":3}"), 2, "me"));
        assertFalse(DiscoveryClient.parse("r", "h", json("{\"peers\":[]}"), 2, "me").stale());
    }
}
