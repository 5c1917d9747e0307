package io.c2c.discovery.client;

import io.c2c.discovery.config.DiscoveryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends a query on to the instance that owns the site and hands back its answer unchanged. The
 * forwarded request carries {@link #FORWARDED_HEADER} so the owner never forwards it again (an
 * ownership change in between yields a 503 to retry, not a loop).
 */
@ApplicationScoped
public class QueryForwarder {

    public static final String FORWARDED_HEADER = "X-C2C-Forwarded";

    /** The owner's status, content type and body. */
    public record Forwarded(int status, String contentType, byte[] body) {
    }

    private final HttpClient http;
    private final Duration timeout;

    public QueryForwarder(DiscoveryConfig config) {
        this.timeout = config.routing().forwardTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Sends {@code pathAndQuery} (already encoded) to {@code baseUrl}; body null means GET. */
    public Forwarded forward(String baseUrl, String pathAndQuery, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(timeout)
                .header(FORWARDED_HEADER, "1")
                .header("Accept", "application/json");
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Forwarded(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/json"), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding", e);
        }
    }
}
