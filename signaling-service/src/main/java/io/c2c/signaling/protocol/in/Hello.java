package io.c2c.signaling.protocol.in;

/**
 * {@code hello}: the first message of a connection. With {@code peerId} and {@code resumeToken}
 * (both or neither) it resumes an earlier session.
 *
 * @param uploadCapacity bytes per second the peer offers to upload to others (0 = unknown)
 */
public record Hello(String id, String site, String peerId, String resumeToken, long uploadCapacity)
        implements ClientMessage {

    public static final String TYPE = "hello";

    public boolean resuming() {
        return peerId != null;
    }
}
