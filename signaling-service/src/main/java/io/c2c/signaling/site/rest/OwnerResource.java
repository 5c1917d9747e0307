package io.c2c.signaling.site.rest;

import io.c2c.signaling.site.Owner;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.service.OwnerService;
import io.c2c.signaling.site.service.Secrets;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Owner accounts: sign-up (returns the API key once) and "who am I". */
@Path("/api/v1/owners")
@Tag(name = "owners", description = "Site owner accounts and API keys")
@Produces(MediaType.APPLICATION_JSON)
public class OwnerResource {

    private final OwnerService owners;
    private final SitesConfig config;

    public OwnerResource(OwnerService owners, SitesConfig config) {
        this.owners = owners;
        this.config = config;
    }

    /** Sign-up request. */
    @Schema(name = "CreateOwnerRequest")
    public record CreateOwner(@Schema(description = "Display name, 1..200 characters", required = true) String name) {
    }

    /** The new account; {@code apiKey} is shown only in this response. */
    @Schema(name = "OwnerCreated")
    public record Created(String ownerId, String name, long createdAt, String apiKey) {
    }

    @Schema(name = "Owner")
    public record View(String ownerId, String name, long createdAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an owner account", description = "Returns the API key once; only its hash is stored. "
            + "When the operator set c2c.sites.signup-token, the X-C2C-Signup-Token header must carry it.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = Created.class)))
    @APIResponse(responseCode = "400", description = "Invalid name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "Sign-up token missing or wrong",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(CreateOwner request, @HeaderParam("X-C2C-Signup-Token") String signupToken) {
        config.signupToken().ifPresent(expected -> {
            if (signupToken == null || !Secrets.sameHash(Secrets.sha256Hex(expected), Secrets.sha256Hex(signupToken))) {
                throw ProblemException.unauthorized("sign-up needs the operator's sign-up token");
            }
        });
        String name = request == null || request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > OwnerService.MAX_NAME_LENGTH
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ProblemException.invalid("name", "must be 1.." + OwnerService.MAX_NAME_LENGTH
                    + " characters without control characters");
        }
        OwnerService.Created created = owners.create(name);
        Owner owner = created.owner();
        return Response.created(URI.create("/api/v1/owners/me"))
                .entity(new Created(owner.ownerId(), owner.name(), owner.createdAt(), created.apiKey())).build();
    }

    @GET
    @Path("/me")
    @SecurityRequirement(name = "apiKey")
    @Operation(summary = "The owner the API key belongs to")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = View.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown API key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public View me(@HeaderParam("Authorization") String authorization) {
        Owner owner = owners.authenticate(authorization);
        return new View(owner.ownerId(), owner.name(), owner.createdAt());
    }

    @POST
    @Path("/me/key")
    @SecurityRequirement(name = "apiKey")
    @Operation(summary = "Replace your API key", description = "Answers a new key (shown once); the key used for this "
            + "call stops working at once. Use it when a key may have leaked, or on a schedule.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Created.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown API key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Created rotateKey(@HeaderParam("Authorization") String authorization) {
        OwnerService.Created rotated = owners.rotateKey(owners.authenticate(authorization));
        Owner owner = rotated.owner();
        return new Created(owner.ownerId(), owner.name(), owner.createdAt(), rotated.apiKey());
    }
}
