package io.c2c.contracts.event;

import io.c2c.contracts.SchemaVersions;

/**
 * A peer said hello on a signaling pod and is now part of its site's swarm.
 *
 * @param podId                  the signaling pod holding the peer's WebSocket
 * @param network                coarse position, never the full address
 * @param uploadCapacityBytesPerSecond what the peer may upload to others (site cap and visitor limit applied)
 */
public record PeerJoined(int schemaVersion, String siteId, String peerId, long occurredAt, String podId,
                         NetworkPosition network, long uploadCapacityBytesPerSecond) implements PeerEvent {

    public static final String TYPE = "peer-joined";

    public PeerJoined {
        EventFields.common(schemaVersion, siteId, peerId, occurredAt, TYPE);
        EventFields.id(podId, "podId");
        network = network == null ? NetworkPosition.UNKNOWN : network;
        EventFields.nonNegative(uploadCapacityBytesPerSecond, "uploadCapacityBytesPerSecond");
    }

    public static PeerJoined of(String siteId, String peerId, long occurredAt, String podId,
                                NetworkPosition network, long uploadCapacityBytesPerSecond) {
        return new PeerJoined(SchemaVersions.PEER_EVENT, siteId, peerId, occurredAt, podId, network,
                uploadCapacityBytesPerSecond);
    }
}
