package io.c2c.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoOriginServerTest {

    @TempDir
    Path root;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesFilesAndNothingOutsideItsRoot() throws Exception {
        Files.writeString(root.resolve("index.html"), "<h1>hi</h1>");
        Files.createDirectories(root.resolve("css"));
        Files.writeString(root.resolve("css/site.css"), "body{}");
        Files.writeString(root.getParent().resolve("secret.txt"), "no");

        try (DemoOriginServer origin = DemoOriginServer.start(0, root)) {
            HttpResponse<String> index = get(origin, "/");
            assertEquals(200, index.statusCode());
            assertEquals("<h1>hi</h1>", index.body());
            assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElseThrow());

            assertEquals("text/css; charset=utf-8",
                    get(origin, "/css/site.css").headers().firstValue("Content-Type").orElseThrow());
            assertEquals(404, get(origin, "/missing.js").statusCode());
            assertEquals(404, get(origin, "/%2e%2e/secret.txt").statusCode());

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(origin.url() + "/"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    private HttpResponse<String> get(DemoOriginServer origin, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesSingleByteRanges() throws Exception {
        Files.writeString(root.resolve("f.txt"), "0123456789");
        try (DemoOriginServer origin = DemoOriginServer.start(0, root)) {
            HttpResponse<String> middle = http.send(HttpRequest.newBuilder(URI.create(origin.url() + "/f.txt"))
                    .header("Range", "bytes=2-4").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(206, middle.statusCode());
            assertEquals("234", middle.body());
            assertEquals("bytes 2-4/10", middle.headers().firstValue("Content-Range").orElseThrow());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "'bytes=0-0', 0, 0", "'bytes=7-', 7, 9", "'bytes=-3', 7, 9", "'bytes=5-100', 5, 9", "'bytes=-100', 0, 9"})
    void rangeSpecs(String header, long first, long last) {
        long[] span = DemoOriginServer.range(header, 10);
        assertEquals(first, span[0]);
        assertEquals(last, span[1]);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"bytes=10-", "bytes=5-2", "bytes=a-b", "items=0-1",
        "bytes=0-1,3-4", "bytes="})
    void unsatisfiableRanges(String header) {
        assertEquals(null, DemoOriginServer.range(header, 10));
    }
}
