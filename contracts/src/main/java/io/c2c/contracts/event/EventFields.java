package io.c2c.contracts.event;

import io.c2c.contracts.SchemaVersions;
import java.util.List;

/** Validation shared by the event records; bounds here protect every consumer of the topic. */
final class EventFields {

    /** Upper bound of asset hashes in one event; larger sets are split by the publisher. */
    static final int MAX_ASSETS_PER_EVENT = 4096;
    static final int MAX_ID_LENGTH = 128;

    private EventFields() {
    }

    static void common(int schemaVersion, String siteId, String peerId, long occurredAt, String type) {
        SchemaVersions.require(SchemaVersions.PEER_EVENT, schemaVersion, type);
        id(siteId, "siteId");
        id(peerId, "peerId");
        if (occurredAt <= 0) {
            throw new IllegalArgumentException("occurredAt must be positive epoch milliseconds");
        }
    }

    static void id(String value, String field) {
        if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(field + " must be 1.." + MAX_ID_LENGTH + " characters");
        }
    }

    static List<String> assets(List<String> assets) {
        if (assets == null) {
            return List.of();
        }
        if (assets.size() > MAX_ASSETS_PER_EVENT) {
            throw new IllegalArgumentException("at most " + MAX_ASSETS_PER_EVENT + " assets per event");
        }
        for (String hash : assets) {
            if (!isSha256Hex(hash)) {
                throw new IllegalArgumentException("asset must be a lowercase hex SHA-256: " + hash);
            }
        }
        return List.copyOf(assets);
    }

    /** A plain loop, not a regex: this runs for every asset of every event a consumer decodes. */
    static boolean isSha256Hex(String hash) {
        if (hash == null || hash.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = hash.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    static void nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative");
        }
    }
}
