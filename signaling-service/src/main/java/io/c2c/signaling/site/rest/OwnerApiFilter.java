package io.c2c.signaling.site.rest;

import io.c2c.signaling.site.config.ApiHosts;
import io.c2c.signaling.site.config.SitesConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards the owner API ({@code /api/v1/owners}, {@code /sites}, {@code /hooks}): served only on the platform's own
 * API hosts when {@code c2c.sites.api-hosts} is set (a customer's domain pointed at the platform must not expose
 * it), and bodies bounded by {@code c2c.sites.max-request-bytes} (413) with a declared length (411).
 */
public class OwnerApiFilter {

    private static final List<String> PREFIXES = List.of("/api/v1/owners", "/api/v1/sites", "/api/v1/hooks");

    private final SitesConfig config;
    private final ApiHosts apiHosts;

    public OwnerApiFilter(SitesConfig config, ApiHosts apiHosts) {
        this.config = config;
        this.apiHosts = apiHosts;
    }

    @ServerRequestFilter
    public Response guard(ContainerRequestContext context) {
        String path = context.getUriInfo().getPath();
        String absolute = path.startsWith("/") ? path : "/" + path;
        if (PREFIXES.stream().noneMatch(absolute::startsWith)) {
            return null;
        }
        if (apiHosts.restricted() && !apiHosts.isApiHost(context.getHeaderString("Host"))) {
            return ProblemMappers.respond(new ProblemException(404, "not-found", "Not found",
                    "the owner API is not served on this host"), context.getUriInfo());
        }
        int length = context.getLength();
        boolean chunked = context.getHeaderString("Transfer-Encoding") != null;
        if (length > config.maxRequestBytes() || (length < 0 && chunked)) {
            return ProblemMappers.respond(new ProblemException(length > 0 ? 413 : 411,
                    length > 0 ? "too-large" : "length-required", length > 0 ? "Request too large" : "Length required",
                    "the owner API takes bodies of at most " + config.maxRequestBytes()
                            + " bytes with a Content-Length"), context.getUriInfo());
        }
        return null;
    }
}
