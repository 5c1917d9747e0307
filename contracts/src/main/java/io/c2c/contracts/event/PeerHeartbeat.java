package io.c2c.contracts.event;

import io.c2c.contracts.SchemaVersions;
import java.util.List;

/**
 * Re-emitted by signaling for every live peer at a fixed interval. A consumer that lost its state
 * (a new partition owner) rebuilds a site's index from the last interval or two of heartbeats, so
 * a heartbeat carries the whole current state of the peer, not a delta.
 *
 * @param coordinate                   Vivaldi coordinate, when the browser reported one
 * @param uploadLoadBytesPerSecond     what the peer uploads right now
 * @param assets                       every asset the peer holds (bounded; see the protocol docs)
 */
public record PeerHeartbeat(int schemaVersion, String siteId, String peerId, long occurredAt, String podId,
                            NetworkPosition network, Coordinate coordinate, long uploadCapacityBytesPerSecond,
                            long uploadLoadBytesPerSecond, List<String> assets) implements PeerEvent {

    public static final String TYPE = "peer-heartbeat";

    public PeerHeartbeat {
        EventFields.common(schemaVersion, siteId, peerId, occurredAt, TYPE);
        EventFields.id(podId, "podId");
        network = network == null ? NetworkPosition.UNKNOWN : network;
        EventFields.nonNegative(uploadCapacityBytesPerSecond, "uploadCapacityBytesPerSecond");
        EventFields.nonNegative(uploadLoadBytesPerSecond, "uploadLoadBytesPerSecond");
        assets = EventFields.assets(assets);
    }

    public static PeerHeartbeat of(String siteId, String peerId, long occurredAt, String podId, NetworkPosition network,
                                   Coordinate coordinate, long uploadCapacityBytesPerSecond,
                                   long uploadLoadBytesPerSecond, List<String> assets) {
        return new PeerHeartbeat(SchemaVersions.PEER_EVENT, siteId, peerId, occurredAt, podId, network, coordinate,
                uploadCapacityBytesPerSecond, uploadLoadBytesPerSecond, assets);
    }
}
