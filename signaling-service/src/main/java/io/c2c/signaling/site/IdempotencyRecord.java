package io.c2c.signaling.site;

import io.c2c.contracts.ContractJson;

/**
 * What an {@code Idempotency-Key} of a site creation did, stored in the {@code sites} topic under
 * {@code idempotency:<siteId>} (the site id is derived from the owner and the key, so every pod and every retry
 * finds the same record): the hash of the canonical request, when the key was first used, and whether the site it
 * created was deleted since. Written before the site itself, so a site created with a key always has its record.
 */
public record IdempotencyRecord(String siteId, String ownerId, String requestHash, long createdAt,
                                boolean siteDeleted) {

    public static final String TYPE = "idempotency";
    public static final String KEY_PREFIX = "idempotency:";

    public IdempotencyRecord {
        if (siteId == null || siteId.isEmpty() || ownerId == null || ownerId.isEmpty() || requestHash == null
                || requestHash.length() != 64) {
            throw new IllegalArgumentException("siteId, ownerId and a SHA-256 requestHash are required");
        }
    }

    public static String key(String siteId) {
        return KEY_PREFIX + siteId;
    }

    public IdempotencyRecord deleted() {
        return new IdempotencyRecord(siteId, ownerId, requestHash, createdAt, true);
    }

    public static byte[] encode(IdempotencyRecord record) {
        return ContractJson.toBytes(record);
    }

    public static IdempotencyRecord decode(byte[] bytes) {
        return ContractJson.fromBytes(bytes, IdempotencyRecord.class);
    }
}
