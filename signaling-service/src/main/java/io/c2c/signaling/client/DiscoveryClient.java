package io.c2c.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.config.SignalingConfig;
import io.c2c.signaling.protocol.out.Found;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks discovery-service which near peers of a site hold an asset
 * ({@code GET /api/v1/sites/{site}/assets/{hash}/peers?near=&limit=}). Absent when
 * {@code c2c.signaling.discovery-url} is not set: callers then answer {@code not-available}.
 */
@ApplicationScoped
public class DiscoveryClient {

    private final SignalingConfig config;
    private final Upstream upstream;

    public DiscoveryClient(SignalingConfig config) {
        this.config = config;
        this.upstream = new Upstream(config.upstreamTimeout());
    }

    public boolean configured() {
        return config.discoveryUrl().isPresent();
    }

    /** The answer for {@code find}; fails when discovery is not configured or does not answer properly. */
    public Uni<Found> find(String re, String site, String asset, String near, int limit) {
        Optional<URI> base = config.discoveryUrl();
        if (base.isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("discovery not configured"));
        }
        URI uri = URI.create(RelayClient.stripSlash(base.get().toString()) + "/api/v1/sites/" + RelayClient.enc(site)
                + "/assets/" + asset + "/peers?near=" + near + "&limit=" + limit);
        return Uni.createFrom().completionStage(() -> upstream.get(uri, null))
                .map(body -> parse(re, asset, body, limit, near));
    }

    static Found parse(String re, String asset, JsonNode body, int limit, String self) {
        JsonNode peers = body.get("peers");
        if (peers == null || !peers.isArray()) {
            throw new IllegalArgumentException("discovery answer without peers");
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode peer : peers) {
            JsonNode id = peer.get("peerId");
            if (out.size() < limit && id != null && id.isTextual() && !id.textValue().equals(self)) {
                out.add(peer);
            }
        }
        JsonNode stale = body.get("stale");
        return new Found(re, asset, stale != null && stale.asBoolean(false), out);
    }
}
