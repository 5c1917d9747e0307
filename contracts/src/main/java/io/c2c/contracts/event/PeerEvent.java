package io.c2c.contracts.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.c2c.contracts.ContractJson;
import io.c2c.contracts.UnsupportedSchemaException;

/**
 * An event on the {@code peer-events} topic, keyed by site id. Signaling publishes them; discovery
 * indexes them. Every event names its site and peer and carries the time it happened at the
 * publishing pod, so that a consumer can drop events older than what it already applied.
 *
 * <p>On the wire: JSON with a {@code type} discriminator and a {@code schemaVersion}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = PeerJoined.class, name = PeerJoined.TYPE),
        @JsonSubTypes.Type(value = PeerLeft.class, name = PeerLeft.TYPE),
        @JsonSubTypes.Type(value = AssetsAnnounced.class, name = AssetsAnnounced.TYPE),
        @JsonSubTypes.Type(value = AssetsWithdrawn.class, name = AssetsWithdrawn.TYPE),
        @JsonSubTypes.Type(value = PeerHeartbeat.class, name = PeerHeartbeat.TYPE),
        @JsonSubTypes.Type(value = PeerReported.class, name = PeerReported.TYPE),
})
public sealed interface PeerEvent permits PeerJoined, PeerLeft, AssetsAnnounced, AssetsWithdrawn, PeerHeartbeat,
        PeerReported {

    int schemaVersion();

    String siteId();

    String peerId();

    /** Epoch milliseconds at the publishing pod. */
    long occurredAt();

    static byte[] encode(PeerEvent event) {
        return ContractJson.toBytes(event);
    }

    /**
     * Decodes one record value.
     *
     * @throws UnsupportedSchemaException for malformed JSON, unknown types or unknown versions
     */
    static PeerEvent decode(byte[] bytes) {
        return ContractJson.fromBytes(bytes, PeerEvent.class);
    }
}
