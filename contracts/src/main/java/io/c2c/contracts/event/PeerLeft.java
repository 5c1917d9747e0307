package io.c2c.contracts.event;

import io.c2c.contracts.SchemaVersions;

/**
 * A peer is gone: it closed its connection, or its resume grace period ended.
 *
 * @param reason a short machine-readable reason ({@code closed}, {@code expired}, {@code kicked})
 */
public record PeerLeft(int schemaVersion, String siteId, String peerId, long occurredAt, String reason)
        implements PeerEvent {

    public static final String TYPE = "peer-left";

    public PeerLeft {
        EventFields.common(schemaVersion, siteId, peerId, occurredAt, TYPE);
        reason = reason == null ? "closed" : reason;
    }

    public static PeerLeft of(String siteId, String peerId, long occurredAt, String reason) {
        return new PeerLeft(SchemaVersions.PEER_EVENT, siteId, peerId, occurredAt, reason);
    }
}
