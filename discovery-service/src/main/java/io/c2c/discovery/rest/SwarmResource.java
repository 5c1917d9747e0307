package io.c2c.discovery.rest;

import io.c2c.discovery.index.SwarmIndex;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Read access to the swarm index of a site. */
@Path("/api/v1/sites/{siteId}/swarm")
@Produces(MediaType.APPLICATION_JSON)
public class SwarmResource {

    /** Summary of a site's swarm. */
    public record SwarmSummary(String siteId, int livePeers) {
    }

    private final SwarmIndex index;

    public SwarmResource(SwarmIndex index) {
        this.index = index;
    }

    @GET
    @Operation(summary = "How many peers of the site are online, as indexed from peer-events")
    public SwarmSummary summary(@PathParam("siteId") String siteId) {
        return new SwarmSummary(siteId, index.livePeers(siteId));
    }
}
