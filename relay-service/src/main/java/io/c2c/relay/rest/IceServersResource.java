package io.c2c.relay.rest;

import io.c2c.relay.auth.TurnRestCredentials;
import io.c2c.relay.config.RelayConfig;
import io.c2c.relay.registry.NodeSelector;
import io.c2c.relay.registry.RelayNode;
import io.c2c.relay.registry.RelayNodeRegistry;
import io.c2c.relay.service.RelayService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/v1/ice-servers}: the ICE servers a peer should use, for signaling-service.
 * Picks a non-draining, least-loaded relay node (in the peer's region when possible) from the
 * Redis registry and issues TURN REST API credentials for {@code <expiry>:<site>:<peer>}.
 */
@Path("/api/v1/ice-servers")
public class IceServersResource {

    private static final Logger LOG = Logger.getLogger(IceServersResource.class);
    /** Site and peer ids go into the TURN username, whose separator is ':'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

    /** One entry of the RTCConfiguration iceServers list. */
    public record IceServer(List<String> urls, String username, String credential) {
    }

    /** The answer: what the browser passes to RTCPeerConnection, plus how long the credentials last. */
    public record IceServers(List<Object> iceServers, long ttlSeconds) {
    }

    private final InternalToken token;
    private final RelayNodeRegistry registry;
    private final RelayService relay;
    private final RelayConfig config;

    public IceServersResource(InternalToken token, RelayNodeRegistry registry, RelayService relay, RelayConfig config) {
        this.token = token;
        this.registry = registry;
        this.relay = relay;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response iceServers(@HeaderParam("Authorization") String authorization, @QueryParam("site") String site,
                               @QueryParam("peer") String peer, @QueryParam("region") String region) {
        if (!token.accepts(authorization)) {
            return Response.status(Response.Status.UNAUTHORIZED).entity(Map.of("error", "unauthorized")).build();
        }
        if (site == null || peer == null || !ID.matcher(site).matches() || !ID.matcher(peer).matches()
                || (region != null && region.length() > 64)) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "site and peer are required: 1-128 of [A-Za-z0-9._~-]")).build();
        }
        Optional<RelayNode> node = choose(region);
        if (node.isEmpty()) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(Map.of("error", "no relay node is taking allocations")).build();
        }
        long ttl = config.auth().credentialTtl().toSeconds();
        String username = TurnRestCredentials.username(System.currentTimeMillis() / 1000 + ttl, site, peer);
        String credential = relay.credentials().password(username);
        String host = node.get().publicAddress().contains(":") ? "[" + node.get().publicAddress() + "]"
                : node.get().publicAddress();
        String hostPort = host + ":" + node.get().port();
        return Response.ok(new IceServers(List.of(
                Map.of("urls", List.of("stun:" + hostPort)),
                new IceServer(List.of("turn:" + hostPort + "?transport=udp", "turn:" + hostPort + "?transport=tcp"),
                        username, credential)), ttl)).build();
    }

    private Optional<RelayNode> choose(String region) {
        try {
            return NodeSelector.choose(registry.liveNodes(), region);
        } catch (RuntimeException e) {
            // Redis down: this node can still serve its own peers rather than none at all.
            LOG.warnf("relay registry unreadable, answering with this node: %s", e.getMessage());
            return NodeSelector.choose(List.of(registry.self()), region);
        }
    }
}
