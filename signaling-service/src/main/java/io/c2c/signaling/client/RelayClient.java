package io.c2c.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.signaling.config.SignalingConfig;
import io.c2c.signaling.protocol.out.IceServer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * ICE servers for a peer: from relay-service ({@code GET /api/v1/ice-servers}) when
 * {@code c2c.signaling.relay-url} is set, else (and whenever relay-service fails) the configured list.
 */
@ApplicationScoped
public class RelayClient {

    private static final Logger LOG = Logger.getLogger(RelayClient.class);
    private static final int MAX_SERVERS = 16;
    private static final int MAX_URLS = 8;

    private final SignalingConfig config;
    private final Upstream upstream;
    private final IceServers fallback;

    public RelayClient(SignalingConfig config) {
        this.config = config;
        this.upstream = new Upstream(config.upstreamTimeout());
        SignalingConfig.Ice ice = config.ice();
        this.fallback = new IceServers(List.of(new IceServer(List.copyOf(ice.urls()), ice.username().orElse(null),
                ice.credential().orElse(null))), ice.ttlSeconds());
    }

    public Uni<IceServers> iceServers(String site, String peerId) {
        if (config.relayUrl().isEmpty()) {
            return Uni.createFrom().item(fallback);
        }
        StringBuilder query = new StringBuilder("/api/v1/ice-servers?site=").append(enc(site)).append("&peer=").append(enc(peerId));
        config.region().ifPresent(r -> query.append("&region=").append(enc(r)));
        URI uri = URI.create(stripSlash(config.relayUrl().get().toString()) + query);
        return Uni.createFrom().completionStage(() -> upstream.get(uri, config.relayToken().orElse(null)))
                .map(RelayClient::parse)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("relay-service ICE servers unavailable, using configured ones: %s", failure.getMessage());
                    return fallback;
                });
    }

    static IceServers parse(JsonNode body) {
        JsonNode list = body.get("iceServers");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_SERVERS) {
            throw new IllegalArgumentException("iceServers missing or out of bounds");
        }
        List<IceServer> servers = new ArrayList<>();
        for (JsonNode entry : list) {
            JsonNode urls = entry.get("urls");
            List<String> values = new ArrayList<>();
            if (urls != null && urls.isTextual()) {
                values.add(urls.textValue());
            } else if (urls != null && urls.isArray() && urls.size() <= MAX_URLS) {
                urls.forEach(u -> {
                    if (u.isTextual()) {
                        values.add(u.textValue());
                    }
                });
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("ICE server without urls");
            }
            servers.add(new IceServer(values, text(entry, "username"), text(entry, "credential")));
        }
        JsonNode ttl = body.get("ttlSeconds");
        return new IceServers(servers, ttl != null && ttl.canConvertToLong() ? ttl.longValue() : 0);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String stripSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
