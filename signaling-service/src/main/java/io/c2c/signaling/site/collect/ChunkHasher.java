package io.c2c.signaling.site.collect;

import io.c2c.signaling.site.service.Secrets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 of a whole stream and of each consecutive fixed-size chunk of it, fed in arbitrary pieces (network
 * buffers never line up with chunk boundaries). Not thread-safe: one per file, fed in order.
 */
public final class ChunkHasher {

    private static final HexFormat HEX = HexFormat.of();

    private final int chunkSize;
    private final MessageDigest file = Secrets.sha256();
    private final MessageDigest chunk = Secrets.sha256();
    private final List<String> chunks = new ArrayList<>();
    private int inChunk;
    private long total;

    public ChunkHasher(int chunkSize) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        this.chunkSize = chunkSize;
    }

    public void update(byte[] bytes) {
        update(bytes, 0, bytes.length);
    }

    public void update(byte[] bytes, int offset, int length) {
        file.update(bytes, offset, length);
        total += length;
        int position = offset;
        int left = length;
        while (left > 0) {
            int take = Math.min(left, chunkSize - inChunk);
            chunk.update(bytes, position, take);
            inChunk += take;
            position += take;
            left -= take;
            if (inChunk == chunkSize) {
                chunks.add(HEX.formatHex(chunk.digest()));
                inChunk = 0;
            }
        }
    }

    /** Finishes: the file hash, the chunk hashes (an empty file has none) and the size. */
    public Result finish() {
        if (inChunk > 0) {
            chunks.add(HEX.formatHex(chunk.digest()));
            inChunk = 0;
        }
        return new Result(HEX.formatHex(file.digest()), List.copyOf(chunks), total);
    }

    /** Hashes of one finished stream. */
    public record Result(String sha256, List<String> chunks, long size) {
    }
}
