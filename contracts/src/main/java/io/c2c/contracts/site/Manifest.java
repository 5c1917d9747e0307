package io.c2c.contracts.site;

import io.c2c.contracts.ContractJson;
import io.c2c.contracts.SchemaVersions;
import io.c2c.contracts.UnsupportedSchemaException;
import java.util.List;

/**
 * An immutable version of a site's manifest: the files a visitor may get from peers, with their hashes.
 * Written to the compacted {@code sites} topic under key {@code manifest:<siteId>:<manifestId>} (see
 * {@link SitesTopic}); a version is never rewritten, only deleted (tombstone) once it is no longer retained.
 *
 * @param manifestId SHA-256 (hex) of the manifest's content: the chunk size and the files in path order, so
 *                   collecting an unchanged site gives the same id
 * @param chunkSize  size in bytes of every chunk but a file's last
 * @param createdAt  epoch milliseconds of the collect that produced it (not part of the id)
 */
public record Manifest(int schemaVersion, String manifestId, String siteId, int chunkSize, long createdAt,
                       List<ManifestFile> files) {

    public static final String TYPE = "manifest";

    public Manifest {
        SchemaVersions.require(SchemaVersions.MANIFEST, schemaVersion, TYPE);
        if (!isSha256Hex(manifestId)) {
            throw new IllegalArgumentException("manifestId must be 64 lowercase hex digits");
        }
        if (siteId == null || siteId.isEmpty() || siteId.length() > 128) {
            throw new IllegalArgumentException("siteId must be 1..128 characters");
        }
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive");
        }
        files = files == null ? List.of() : List.copyOf(files);
    }

    public static Manifest of(String manifestId, String siteId, int chunkSize, long createdAt, List<ManifestFile> files) {
        return new Manifest(SchemaVersions.MANIFEST, manifestId, siteId, chunkSize, createdAt, files);
    }

    public static byte[] encode(Manifest manifest) {
        return ContractJson.toBytes(manifest);
    }

    /** @throws UnsupportedSchemaException for malformed JSON or an unknown schema version */
    public static Manifest decode(byte[] bytes) {
        return ContractJson.fromBytes(bytes, Manifest.class);
    }

    static boolean isSha256Hex(String value) {
        if (value == null || value.length() != 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
