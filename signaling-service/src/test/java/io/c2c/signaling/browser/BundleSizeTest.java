package io.c2c.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * What a visitor's browser downloads from the platform, measured in the build: the shell page, the
 * service worker and every agent module (not the demo pages), each gzipped at the best level as a
 * server would send it. The budget is 40 KB (docs/browser.md); the figure is printed for docs/benchmarks.md.
 */
class BundleSizeTest {

    static final Path BUNDLE = Path.of("src", "main", "resources", "META-INF", "resources", "c2c");
    static final long BUDGET_BYTES = 40_000;

    @Test
    void shellWorkerAndAgentStayUnder40KbGzipped() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(BUNDLE)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".js") || p.toString().endsWith(".html")).sorted().toList();
        }
        assertTrue(files.stream().anyMatch(p -> p.endsWith("sw.js")) && files.stream().anyMatch(p -> p.endsWith("shell.html"))
                && files.stream().anyMatch(p -> p.endsWith("agent.js")), "the bundle's files are where expected: " + files);
        long raw = 0;
        long gzipped = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            raw += bytes.length;
            gzipped += gzipSize(bytes);
        }
        System.out.printf("browser bundle: %d files, %d bytes, %d bytes gzipped (budget %d)%n", files.size(), raw, gzipped,
                BUDGET_BYTES);
        assertTrue(gzipped < BUDGET_BYTES, "bundle is " + gzipped + " bytes gzipped, over the " + BUDGET_BYTES + " budget");
    }

    private static long gzipSize(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(bytes);
        }
        return out.size();
    }
}
