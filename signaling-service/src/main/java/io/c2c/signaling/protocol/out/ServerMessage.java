package io.c2c.signaling.protocol.out;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A message the server sends; {@link #type} is the wire discriminator. */
public interface ServerMessage {

    @JsonProperty("type")
    String type();
}
