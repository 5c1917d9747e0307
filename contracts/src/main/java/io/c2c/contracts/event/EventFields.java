package io.c2c.contracts.event;

import io.c2c.contracts.SchemaVersions;
import java.util.List;
import java.util.regex.Pattern;

/** Validation shared by the event records; bounds here protect every consumer of the topic. */
final class EventFields {

    /** Upper bound of asset hashes in one event; larger sets are split by the publisher. */
    static final int MAX_ASSETS_PER_EVENT = 4096;
    static final int MAX_ID_LENGTH = 128;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

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
            if (hash == null || !SHA256_HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException("asset must be a lowercase hex SHA-256: " + hash);
            }
        }
        return List.copyOf(assets);
    }

    static void nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative");
        }
    }
}
