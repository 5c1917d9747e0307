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
}
