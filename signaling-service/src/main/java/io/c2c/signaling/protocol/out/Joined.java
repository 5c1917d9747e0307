package io.c2c.signaling.protocol.out;

import java.util.List;

/** Answer to {@code join}: the room's members (including the joiner) at the moment of joining. */
public record Joined(String re, String room, List<String> members) implements ServerMessage {

    @Override
    public String type() {
        return "joined";
    }
}
