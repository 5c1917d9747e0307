package io.c2c.contracts.event;

import io.c2c.contracts.SchemaVersions;
import java.util.Set;

/**
 * Another peer of the site says this peer misbehaved (it sent a chunk that did not match the manifest, or broke
 * the data-channel protocol). Signaling publishes it after validating the report (same site, bounded rate);
 * discovery stops recommending a peer reported often enough. {@link #peerId()} is the reported peer: the event is
 * about it, like every peer event.
 *
 * @param reporterId the peer that reported it
 * @param reason     one of {@link #REASONS} today; a consumer accepts any short lowercase reason from a newer
 *                   producer
 */
public record PeerReported(int schemaVersion, String siteId, String peerId, long occurredAt, String reporterId,
                           String reason) implements PeerEvent {

    public static final String TYPE = "peer-reported";

    /** A chunk whose SHA-256 did not match the manifest. */
    public static final String CHUNK_HASH = "chunk-hash";
    /** A chunk of the wrong length. */
    public static final String CHUNK_LENGTH = "chunk-length";
    /** Frames that broke the data-channel protocol (undecodable, unexpected, out of order). */
    public static final String PROTOCOL_VIOLATION = "protocol-violation";
    /** The reasons this version produces. */
    public static final Set<String> REASONS = Set.of(CHUNK_HASH, CHUNK_LENGTH, PROTOCOL_VIOLATION);

    private static final int MAX_REASON_LENGTH = 32;

    public PeerReported {
        EventFields.common(schemaVersion, siteId, peerId, occurredAt, TYPE);
        EventFields.id(reporterId, "reporterId");
        if (reporterId.equals(peerId)) {
            throw new IllegalArgumentException("a peer cannot report itself");
        }
        if (reason == null || reason.isEmpty() || reason.length() > MAX_REASON_LENGTH
                || !reason.chars().allMatch(c -> (c >= 'a' && c <= 'z') || c == '-')) {
            throw new IllegalArgumentException("reason must be 1.." + MAX_REASON_LENGTH + " characters of [a-z-]");
        }
    }

    public static PeerReported of(String siteId, String peerId, long occurredAt, String reporterId, String reason) {
        return new PeerReported(SchemaVersions.PEER_EVENT, siteId, peerId, occurredAt, reporterId, reason);
    }
}
