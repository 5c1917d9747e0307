package io.c2c.signaling.site.frontdoor;

import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SiteSettings;
import io.c2c.signaling.config.AgentConfig;
import io.c2c.signaling.site.SiteRegistry;
import io.c2c.signaling.site.repository.SiteLog;
import io.c2c.signaling.site.rest.ProblemException;
import io.c2c.signaling.site.service.ManifestRetention;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /_c2c/bootstrap}: what the collect-and-connect shell needs to start on a verified
 * site's host: the site id (for signaling's {@code hello}), the current manifest (what may come
 * from peers, with every hash), the owner's settings and the operator's agent timing ({@code c2c.agent.*}).
 */
@Path("/_c2c/bootstrap")
public class BootstrapResource {

    /**
     * @param manifest the current manifest, or null before the first collect (then nothing comes from peers)
     * @param agent    overrides of the agent's defaults (empty when the operator set none)
     */
    public record Bootstrap(String siteId, Manifest manifest, SiteSettings settings, Map<String, Object> agent) {
    }

    private final SiteRegistry registry;
    private final SiteLog log;
    private final ManifestRetention retention;
    private final Map<String, Object> agent;

    public BootstrapResource(SiteRegistry registry, SiteLog log, ManifestRetention retention, AgentConfig agent) {
        this.registry = registry;
        this.log = log;
        this.retention = retention;
        this.agent = Map.copyOf(agent.asBootstrap());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start-up data of the collect-and-connect page for the site served under this Host")
    public Response bootstrap(@HeaderParam("Host") String host) {
        SiteRecord site = registry.findByHost(host)
                .orElseThrow(() -> new ProblemException(404, "unknown-site", "Unknown site",
                        "no verified site is served under this host"));
        Manifest manifest = site.manifestId() == null ? null
                : log.store().manifest(site.siteId(), site.manifestId()).orElse(null);
        if (manifest != null) {
            // the visitor now runs on this version: it stays readable while visitors use it
            retention.used(site.siteId(), manifest.manifestId());
        }
        return Response.ok(new Bootstrap(site.siteId(), manifest, site.settings(), agent))
                .header("Cache-Control", "no-cache")
                .build();
    }
}
