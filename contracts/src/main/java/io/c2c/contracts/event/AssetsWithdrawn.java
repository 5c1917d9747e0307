package io.c2c.contracts.event;

import io.c2c.contracts.SchemaVersions;
import java.util.List;

/** A peer no longer holds (or no longer serves) these assets. */
public record AssetsWithdrawn(int schemaVersion, String siteId, String peerId, long occurredAt, List<String> assets)
        implements PeerEvent {

    public static final String TYPE = "assets-withdrawn";

    public AssetsWithdrawn {
        EventFields.common(schemaVersion, siteId, peerId, occurredAt, TYPE);
        assets = EventFields.assets(assets);
    }

    public static AssetsWithdrawn of(String siteId, String peerId, long occurredAt, List<String> assets) {
        return new AssetsWithdrawn(SchemaVersions.PEER_EVENT, siteId, peerId, occurredAt, assets);
    }
}
