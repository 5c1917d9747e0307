package io.c2c.signaling.protocol.out;

import java.util.List;

/**
 * Answer to {@code join}: the room's members (including the joiner) at the moment of joining, and
 * the room's membership {@code version} then; member events with a version not above it are older
 * than this list and must be ignored.
 */
public record Joined(String re, String room, List<String> members, long version) implements ServerMessage {

    @Override
    public String type() {
        return "joined";
    }
}
