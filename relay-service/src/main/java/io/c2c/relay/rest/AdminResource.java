package io.c2c.relay.rest;

import io.c2c.relay.allocation.AllocationManager;
import io.c2c.relay.registry.RelayNodeRegistry;
import io.c2c.relay.service.RelayService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Operator calls on this node: its status, and draining (no new allocations; existing ones finish). */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final InternalToken token;
    private final RelayService relay;
    private final RelayNodeRegistry registry;

    public AdminResource(InternalToken token, RelayService relay, RelayNodeRegistry registry) {
        this.token = token;
        this.relay = relay;
        this.registry = registry;
    }

    @GET
    @Path("/status")
    public Response status(@HeaderParam("Authorization") String authorization) {
        if (!token.accepts(authorization)) {
            return Response.status(Response.Status.UNAUTHORIZED).entity(Map.of("error", "unauthorized")).build();
        }
        return Response.ok(status()).build();
    }

    @POST
    @Path("/drain")
    public Response drain(@HeaderParam("Authorization") String authorization) {
        if (!token.accepts(authorization)) {
            return Response.status(Response.Status.UNAUTHORIZED).entity(Map.of("error", "unauthorized")).build();
        }
        relay.drain();
        return Response.accepted(status()).build();
    }

    @POST
    @Path("/resume")
    public Response resume(@HeaderParam("Authorization") String authorization) {
        if (!token.accepts(authorization)) {
            return Response.status(Response.Status.UNAUTHORIZED).entity(Map.of("error", "unauthorized")).build();
        }
        relay.resume();
        return Response.ok(status()).build();
    }

    private Map<String, Object> status() {
        AllocationManager a = relay.allocations();
        return Map.of("nodeId", registry.nodeId(), "draining", a.isDraining(), "allocations", a.count(),
                "permissions", a.permissions(), "channels", a.channels());
    }
}
