package io.c2c.signaling.site.rest;

import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.site.collect.CollectResult;
import io.c2c.signaling.site.service.SiteService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The collect webhook for CI pipelines: authenticated by the site's own webhook secret (not the owner's API key,
 * so a leaked CI secret can only trigger collects of one site).
 */
@Path("/api/v1/hooks/sites/{siteId}/collect")
@Tag(name = "webhooks", description = "Re-collect triggers for CI")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private final SiteService sites;

    public WebhookResource(SiteService sites) {
        this.sites = sites;
    }

    static String path(String siteId) {
        return "/api/v1/hooks/sites/" + siteId + "/collect";
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @SecurityRequirement(name = "webhookSecret")
    @Operation(summary = "Collect the site now (same as POST /api/v1/sites/{siteId}/collect)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = CollectResult.class)))
    @APIResponse(responseCode = "401", description = "Unknown site or wrong secret",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CollectResult collect(@HeaderParam("Authorization") String authorization,
                                 @PathParam("siteId") String siteId, SiteResource.CollectRequest request) {
        String secret = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7) : null;
        SiteRecord site = sites.authenticateWebhook(siteId, secret);
        return sites.collect(site, request == null ? null : request.paths());
    }
}
