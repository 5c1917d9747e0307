package io.c2c.contracts.site;

import java.nio.charset.StandardCharsets;

/**
 * Key spaces of the compacted {@code sites} topic. One topic (one ordered log, one restore at start) holds
 * every durable registry fact; the record's {@link #TYPE_HEADER} header says what its value is, and the key
 * prefix keeps the spaces from colliding under compaction:
 * <ul>
 *   <li>{@code <siteId>} → {@link SiteRecord} (type {@code site}); site ids never contain {@code :}</li>
 *   <li>{@code owner:<ownerId>} → an owner account (type {@code owner}; signaling-service's own type)</li>
 *   <li>{@code manifest:<siteId>:<manifestId>} → {@link Manifest} (type {@code manifest})</li>
 * </ul>
 * A reader that wants only sites skips records whose type header is present and not {@code site}. A null
 * value (tombstone) deletes the key.
 */
public final class SitesTopic {

    public static final String TYPE_HEADER = "c2c-type";
    public static final String TYPE_SITE = SiteRecord.TYPE;
    public static final String TYPE_OWNER = "owner";
    public static final String TYPE_MANIFEST = Manifest.TYPE;

    public static final String OWNER_PREFIX = "owner:";
    public static final String MANIFEST_PREFIX = "manifest:";

    private SitesTopic() {
    }

    public static String ownerKey(String ownerId) {
        return OWNER_PREFIX + ownerId;
    }

    public static String manifestKey(String siteId, String manifestId) {
        return MANIFEST_PREFIX + siteId + ":" + manifestId;
    }

    /** The type a record's key belongs to, for records written without the header. */
    public static String typeOfKey(String key) {
        if (key.startsWith(OWNER_PREFIX)) {
            return TYPE_OWNER;
        }
        if (key.startsWith(MANIFEST_PREFIX)) {
            return TYPE_MANIFEST;
        }
        return TYPE_SITE;
    }

    public static byte[] typeHeaderValue(String type) {
        return type.getBytes(StandardCharsets.UTF_8);
    }
}
