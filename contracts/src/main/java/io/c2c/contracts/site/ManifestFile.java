package io.c2c.contracts.site;

import java.util.List;

/**
 * One file of a manifest: what a peer must hold, byte for byte, to serve {@link #path()}.
 *
 * @param path        absolute URL path on the site, starting with {@code /}, no query or fragment
 * @param size        length in bytes
 * @param contentType the origin's {@code Content-Type}, or {@code application/octet-stream} when it sent none
 * @param sha256      SHA-256 of the whole file, 64 lowercase hex digits
 * @param chunks      SHA-256 of each consecutive {@link Manifest#chunkSize()}-byte chunk (the last may be
 *                    shorter); a peer verifies every chunk before it serves or stores it
 */
public record ManifestFile(String path, long size, String contentType, String sha256, List<String> chunks) {

    public static final int MAX_PATH_LENGTH = 1024;

    public ManifestFile {
        if (path == null || !path.startsWith("/") || path.length() > MAX_PATH_LENGTH) {
            throw new IllegalArgumentException("path must start with / and be at most " + MAX_PATH_LENGTH + " characters");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        if (!Manifest.isSha256Hex(sha256)) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        }
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
        for (String chunk : chunks) {
            if (!Manifest.isSha256Hex(chunk)) {
                throw new IllegalArgumentException("chunk hashes must be 64 lowercase hex digits");
            }
        }
        contentType = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
    }
}
