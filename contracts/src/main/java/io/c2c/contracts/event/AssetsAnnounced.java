package io.c2c.contracts.event;

import io.c2c.contracts.SchemaVersions;
import java.util.List;

/** A peer now holds these assets (lowercase hex SHA-256 of the file, as in the site manifest). */
public record AssetsAnnounced(int schemaVersion, String siteId, String peerId, long occurredAt, List<String> assets)
        implements PeerEvent {

    public static final String TYPE = "assets-announced";

    public AssetsAnnounced {
        EventFields.common(schemaVersion, siteId, peerId, occurredAt, TYPE);
        assets = EventFields.assets(assets);
    }

    public static AssetsAnnounced of(String siteId, String peerId, long occurredAt, List<String> assets) {
        return new AssetsAnnounced(SchemaVersions.PEER_EVENT, siteId, peerId, occurredAt, assets);
    }
}
