package io.c2c.signaling.site.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure logic: chunk hashes are independent of how the network split the stream. */
class ChunkHasherTest {

    @ParameterizedTest
    @CsvSource({"0, 16, 1", "1, 16, 1", "16, 16, 3", "17, 16, 5", "1000, 64, 7", "4096, 1024, 1000", "100000, 4096, 333"})
    void hashesMatchAnIndependentComputationWhateverThePieces(int size, int chunkSize, int maxPiece) throws Exception {
        byte[] data = new byte[size];
        Random random = new Random(size * 31L + chunkSize);
        random.nextBytes(data);
        ChunkHasher hasher = new ChunkHasher(chunkSize);
        for (int offset = 0; offset < size; ) {
            int piece = Math.min(size - offset, 1 + random.nextInt(maxPiece));
            hasher.update(Arrays.copyOfRange(data, offset, offset + piece));
            offset += piece;
        }

        ChunkHasher.Result result = hasher.finish();

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(HexFormat.of().formatHex(sha.digest(data)), result.sha256());
        List<String> expected = new ArrayList<>();
        for (int offset = 0; offset < size; offset += chunkSize) {
            expected.add(HexFormat.of().formatHex(sha.digest(Arrays.copyOfRange(data, offset,
                    Math.min(size, offset + chunkSize)))));
        }
        assertEquals(expected, result.chunks());
        assertEquals(size, result.size());
    }
}
