package io.c2c.signaling.protocol.out;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Answer to {@code find}, from discovery-service; each peer has at least {@code peerId}. */
public record Found(String re, String asset, boolean stale, List<JsonNode> peers) implements ServerMessage {

    @Override
    public String type() {
        return "found";
    }
}
