package io.c2c.signaling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.protocol.out.SignalDelivery;
import org.junit.jupiter.api.Test;

class MessageEncoderTest {

    static final String PEER = "0123456789abcdef0123456789abcdef";

    @Test
    void aSignalIsWrittenWithItsPayloadAsGiven() throws Exception {
        String text = MessageEncoder.encode(new SignalDelivery(PEER, "offer", "{ \"sdp\" : \"v=0\\r\\n\", \"n\" : [1, {\"x\":null}] }"));
        JsonNode json = MessageDecoder.json().readTree(text);
        assertEquals("signal", json.get("type").textValue());
        assertEquals(PEER, json.get("from").textValue());
        assertEquals("offer", json.get("kind").textValue());
        assertEquals(MessageDecoder.json().readTree("{\"sdp\":\"v=0\\r\\n\",\"n\":[1,{\"x\":null}]}"), json.get("payload"));
        assertEquals(4, json.size());
    }

    @Test
    void aSignalWithoutPayloadOmitsTheField() throws Exception {
        JsonNode json = MessageDecoder.json().readTree(MessageEncoder.encode(new SignalDelivery(PEER, "bye", null)));
        assertEquals("bye", json.get("kind").textValue());
        assertFalse(json.has("payload"));
    }

    @Test
    void aDecodedSignalRoundTripsToTheTarget() throws Exception {
        var signal = (io.c2c.signaling.protocol.in.Signal) new MessageDecoder(4, 16).decode(
                "{\"type\":\"signal\",\"to\":\"" + PEER + "\",\"kind\":\"candidate\",\"payload\":\"a \\\"quoted\\\" \\u00e9\"}");
        JsonNode json = MessageDecoder.json().readTree(MessageEncoder.encode(new SignalDelivery(PEER, signal.kind().wire(), signal.payloadJson())));
        assertEquals("a \"quoted\" é", json.get("payload").textValue());
    }
}
