package io.c2c.signaling.stats.rest;

import io.c2c.signaling.site.rest.Problem;
import io.c2c.signaling.site.rest.ProblemException;
import io.c2c.signaling.site.service.OwnerService;
import io.c2c.signaling.site.service.SiteService;
import io.c2c.signaling.stats.service.SiteStats;
import io.c2c.signaling.stats.service.SiteStatsService;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The owner's figures for one of their sites (the status page at /c2c/owner/status.html reads this). */
@Path("/api/v1/sites/{siteId}/stats")
@Tag(name = "sites")
@SecurityRequirement(name = "apiKey")
@Produces(MediaType.APPLICATION_JSON)
public class SiteStatsResource {

    static final int MAX_MINUTES = 1440;

    private final OwnerService owners;
    private final SiteService sites;
    private final SiteStatsService stats;

    public SiteStatsResource(OwnerService owners, SiteService sites, SiteStatsService stats) {
        this.owners = owners;
        this.sites = sites;
        this.stats = stats;
    }

    @GET
    @Blocking
    @Operation(summary = "Your site's figures", description = "Bytes visitors got from peers and from the origin, "
            + "bytes they uploaded, peer connections by candidate type and failures by reason, per minute over the "
            + "last `minutes` (1..1440), and the peers online now. Reported by visitors' agents: figures, not billing.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SiteStats.class)))
    @APIResponse(responseCode = "400", description = "minutes out of range",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such site among yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public SiteStats get(@HeaderParam("Authorization") String authorization, @PathParam("siteId") String siteId,
                         @QueryParam("minutes") @DefaultValue("60") int minutes) {
        sites.get(owners.authenticate(authorization), siteId);
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw ProblemException.invalid("minutes", "must be between 1 and " + MAX_MINUTES);
        }
        return stats.read(siteId, minutes).await().atMost(Duration.ofSeconds(10));
    }
}
