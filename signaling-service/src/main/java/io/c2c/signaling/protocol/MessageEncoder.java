package io.c2c.signaling.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.c2c.signaling.protocol.out.ServerMessage;
import io.c2c.signaling.protocol.out.SignalDelivery;
import java.io.UncheckedIOException;

/** Writes server messages as compact JSON text frames; absent optional fields are omitted. */
public final class MessageEncoder {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private MessageEncoder() {
    }

    public static String encode(ServerMessage message) {
        if (message instanceof SignalDelivery signal) {
            return signal.toJson();
        }
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
