package io.c2c.images.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads images back from a registry over the distribution HTTP API (v2): manifests by tag, blobs by digest. Only
 * what the tests check with; no auth (the loopback registry has none).
 */
public final class RegistryClient {

    /** The manifest types a pushed image may have: Jib pushes Docker V2.2, skopeo keeps an OCI image's own. */
    private static final String MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json, "
            + "application/vnd.docker.distribution.manifest.v2+json";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public RegistryClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A manifest as served: its bytes, its Content-Type and the registry's Docker-Content-Digest. */
    public record Manifest(byte[] body, String mediaType, String digest) {
    }

    public Manifest manifest(String repository, String reference) {
        HttpResponse<byte[]> response = get("/v2/" + repository + "/manifests/" + reference, MANIFEST_TYPES);
        return new Manifest(response.body(), response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("Docker-Content-Digest").orElse(""));
    }

    public byte[] blob(String repository, String digest) {
        return get("/v2/" + repository + "/blobs/" + digest, "*/*").body();
    }

    private HttpResponse<byte[]> get(String path, String accept) {
        try {
            // Blob GETs on distribution may redirect (storage drivers with URLs); the filesystem driver serves them.
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Accept", accept).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + path + " -> " + response.statusCode() + ": " + new String(response.body()));
            }
            return response;
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
