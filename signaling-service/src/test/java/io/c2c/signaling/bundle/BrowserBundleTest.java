package io.c2c.signaling.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The visitor's modules over real HTTP: minified, gzip when accepted, ETag revalidation, other paths untouched. */
@QuarkusTest
class BrowserBundleTest {

    private static final Path SOURCES = Path.of("src", "main", "resources", "META-INF", "resources", "c2c");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URL base;

    private HttpResponse<byte[]> get(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aModuleIsServedMinifiedAndGzippedWhenAccepted() throws Exception {
        String source = Files.readString(SOURCES.resolve("agent.js"));
        String minified = JsMinifier.minify(source);
        assertTrue(minified.length() < source.length() * 0.8, "comments and indentation are a good part of the source");

        HttpResponse<byte[]> plain = get("GET", "/c2c/agent.js");
        assertEquals(200, plain.statusCode());
        assertEquals(minified, new String(plain.body(), StandardCharsets.UTF_8));
        assertEquals("text/javascript; charset=utf-8", plain.headers().firstValue("Content-Type").orElseThrow());
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent());
        String etag = plain.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> gzip = get("GET", "/c2c/agent.js", "Accept-Encoding", "br, gzip;q=0.8");
        assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("Accept-Encoding", gzip.headers().firstValue("Vary").orElseThrow());
        assertEquals(minified, gunzip(gzip.body()));
        assertTrue(gzip.body().length < plain.body().length / 2, gzip.body().length + " of " + plain.body().length);
        assertEquals(etag, gzip.headers().firstValue("ETag").orElseThrow(), "one ETag per content");

        HttpResponse<byte[]> refused = get("GET", "/c2c/agent.js", "Accept-Encoding", "gzip;q=0, identity");
        assertFalse(refused.headers().firstValue("Content-Encoding").isPresent());

        HttpResponse<byte[]> revalidated = get("GET", "/c2c/agent.js", "If-None-Match", etag);
        assertEquals(304, revalidated.statusCode());
        assertEquals(0, revalidated.body().length);

        HttpResponse<byte[]> head = get("HEAD", "/c2c/agent.js", "Accept-Encoding", "gzip");
        assertEquals(200, head.statusCode());
        assertEquals(Integer.toString(gzip.body().length), head.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void theServiceWorkerKeepsItsScopeHeaderAndNestedModulesAreServedToo() throws Exception {
        HttpResponse<byte[]> worker = get("GET", "/c2c/sw.js");
        assertEquals(200, worker.statusCode());
        assertEquals("/", worker.headers().firstValue("Service-Worker-Allowed").orElseThrow());
        assertEquals(JsMinifier.minify(Files.readString(SOURCES.resolve("sw.js"))), new String(worker.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> owner = get("GET", "/c2c/owner/status.js");
        assertEquals(200, owner.statusCode());
        assertEquals(JsMinifier.minify(Files.readString(SOURCES.resolve("owner/status.js"))), new String(owner.body(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource({"/c2c/no-such-module.js, 404", "/c2c/shell.html, 200", "/c2c/../application.properties, 404",
            "/c2c/%2e%2e/application.properties, 404", "/c2c/Agent.JS, 404"})
    void otherPathsAreNotOurs(String path, int status) throws Exception {
        HttpResponse<byte[]> response = get("GET", path);
        assertEquals(status, response.statusCode(), path);
        assertNull(response.headers().firstValue("ETag").filter(e -> e.length() == 34).orElse(null), path);
        if (status == 200) {
            assertNotNull(response.headers().firstValue("Content-Type").orElse(null));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"gzip|true", "GZIP|true", "deflate, gzip|true", "*|true", "gzip;q=0|false",
            "gzip; q=0.000|false", "gzip;q=0.5|true", "br|false", "identity|false", "''|false"})
    void acceptEncoding(String header, boolean gzip) {
        assertEquals(gzip, BrowserBundle.acceptsGzip(header));
    }

    private static String gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
