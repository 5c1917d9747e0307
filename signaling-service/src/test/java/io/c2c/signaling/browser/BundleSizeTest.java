package io.c2c.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.signaling.bundle.BrowserBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a visitor's browser downloads from the platform, measured in the build: the shell page, the
 * service worker and every agent module (not the demo pages), each as {@link BrowserBundle} serves it
 * (modules minified, then gzipped at the best level; the shell gzipped). The budget is 40 KB
 * (docs/browser.md); the figures, source and served, are printed for docs/benchmarks.md.
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
        long sourceGzipped = 0;
        long served = 0;
        long gzipped = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            raw += bytes.length;
            sourceGzipped += BrowserBundle.gzip(bytes).length;
            if (file.toString().endsWith(".js")) {
                BrowserBundle.Module module = BrowserBundle.prepare(new String(bytes, StandardCharsets.UTF_8));
                served += module.plain().length;
                gzipped += module.gzip().length;
            } else {
                served += bytes.length;
                gzipped += BrowserBundle.gzip(bytes).length;
            }
        }
        System.out.printf("browser bundle: %d files; sources %d bytes (%d gzipped); served %d bytes, %d bytes gzipped"
                + " (budget %d)%n", files.size(), raw, sourceGzipped, served, gzipped, BUDGET_BYTES);
        assertTrue(gzipped < BUDGET_BYTES, "bundle is " + gzipped + " bytes gzipped, over the " + BUDGET_BYTES + " budget");
    }
}
