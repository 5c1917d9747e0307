package io.c2c.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.protocol.MessageDecoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A bounded JSON GET to a platform service: timeout, status check, size cap on the answer. */
final class Upstream {

    static final int MAX_BODY = 256 * 1024;

    private final HttpClient http;
    private final Duration timeout;

    Upstream(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    CompletableFuture<JsonNode> get(URI uri, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new UpstreamException(uri.getPath() + " answered " + response.statusCode());
            }
            if (response.body().length > MAX_BODY) {
                throw new UpstreamException(uri.getPath() + " answer too large");
            }
            try {
                return MessageDecoder.json().readTree(response.body());
            } catch (IOException e) {
                throw new UpstreamException(uri.getPath() + " answered malformed JSON");
            }
        });
    }

    /** A failed call to another platform service. */
    static final class UpstreamException extends RuntimeException {
        UpstreamException(String message) {
            super(message, null, false, false);
        }
    }
}
