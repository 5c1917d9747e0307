package io.c2c.signaling.site;

import io.c2c.contracts.ContractJson;

/**
 * A site owner's account as stored in the {@code sites} topic under {@code owner:<ownerId>}. Only the SHA-256
 * of the API key is kept: the key is 256 random bits, so a fast hash is enough (no dictionary to attack).
 */
public record Owner(String ownerId, String name, String apiKeyHash, long createdAt) {

    public Owner {
        if (ownerId == null || ownerId.isEmpty() || apiKeyHash == null || apiKeyHash.length() != 64) {
            throw new IllegalArgumentException("ownerId and a SHA-256 apiKeyHash are required");
        }
    }

    public static byte[] encode(Owner owner) {
        return ContractJson.toBytes(owner);
    }

    public static Owner decode(byte[] bytes) {
        return ContractJson.fromBytes(bytes, Owner.class);
    }
}
