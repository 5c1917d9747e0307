package io.c2c.signaling.site.rest;

import io.c2c.signaling.site.config.SitesConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Rejects owner-API requests whose declared body is larger than {@code c2c.sites.max-request-bytes} (413). */
public class RequestSizeFilter {

    private final SitesConfig config;

    public RequestSizeFilter(SitesConfig config) {
        this.config = config;
    }

    @ServerRequestFilter
    public Response limit(ContainerRequestContext context) {
        String path = context.getUriInfo().getPath();
        if (!(path.startsWith("/api/v1/") || path.startsWith("api/v1/"))) {
            return null;
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
