package io.c2c.signaling.site.rest;

import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.site.Owner;
import io.c2c.signaling.site.SiteRequest;
import io.c2c.signaling.site.collect.CollectResult;
import io.c2c.signaling.site.service.OwnerService;
import io.c2c.signaling.site.service.SiteService;
import io.c2c.signaling.site.verify.OwnershipVerifier;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The owner's sites: register, read, replace, delete, list, prove ownership, collect, manifests, webhook. */
@Path("/api/v1/sites")
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The owner's API key from POST /api/v1/owners")
@SecurityScheme(securitySchemeName = "webhookSecret", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The site's webhook secret from POST /api/v1/sites/{siteId}/webhook")
@Tag(name = "sites", description = "Register sites, prove domain ownership, collect manifests")
@SecurityRequirement(name = "apiKey")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "Missing or unknown API key",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class SiteResource {

    private final OwnerService owners;
    private final SiteService sites;

    public SiteResource(OwnerService owners, SiteService sites) {
        this.owners = owners;
        this.sites = sites;
    }

    /** The owner's sites. */
    @Schema(name = "SiteList")
    public record SiteList(List<SiteResponse> sites) {
    }

    /** Outcome of a verification attempt, per domain. */
    @Schema(name = "VerifyResult")
    public record VerifyResult(SiteResponse site, List<OwnershipVerifier.Check> checks) {
    }

    /** Paths to collect; empty or absent = read the origin's /sitemap.xml. */
    @Schema(name = "CollectRequest")
    public record CollectRequest(List<String> paths) {
    }

    /** Retained manifest versions, newest first (ids, times and sizes; GET one for its files). */
    @Schema(name = "ManifestList")
    public record ManifestList(String currentManifestId, List<ManifestSummary> manifests) {
    }

    @Schema(name = "ManifestSummary")
    public record ManifestSummary(String manifestId, long createdAt, int files, long bytes) {
    }

    /** A webhook secret, shown once, and the URL to call with it. */
    @Schema(name = "Webhook")
    public record Webhook(String url, String secret) {
    }

    @GET
    @Operation(summary = "List your sites")
    public SiteList list(@HeaderParam("Authorization") String authorization) {
        Owner owner = owners.authenticate(authorization);
        return new SiteList(sites.list(owner).stream().map(SiteResponse::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a site", description = "Returns a challenge token per domain; publish it and "
            + "call verify. Unverified domains are never served.")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = SiteResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid domains, origin or settings",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Domain already in another of your sites, or too many sites",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Idempotency-Key already used with a different request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The registry did not acknowledge the write in time; the "
            + "outcome is unknown: retry with the same Idempotency-Key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@HeaderParam("Authorization") String authorization,
                           @Parameter(name = "Idempotency-Key", in = ParameterIn.HEADER, description = "Optional, "
                                   + "1..255 visible ASCII characters (a UUID). A retry with the same key and the "
                                   + "same body returns the same site (header Idempotent-Replayed: true) instead "
                                   + "of creating a second one; the same key with another body gets 422. Keys are "
                                   + "scoped to the owner and remembered for c2c.sites.idempotency.retention.")
                           @HeaderParam("Idempotency-Key") String idempotencyKey,
                           SiteRequest request) {
        Owner owner = owners.authenticate(authorization);
        SiteService.Created created = sites.create(owner, request, idempotencyKey);
        Response.ResponseBuilder response = Response.created(URI.create("/api/v1/sites/" + created.site().siteId()))
                .entity(SiteResponse.of(created.site()));
        if (created.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    @GET
    @Path("/{siteId}")
    @Operation(summary = "Read one of your sites")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SiteResponse.class)))
    @APIResponse(responseCode = "404", description = "No such site among yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public SiteResponse get(@HeaderParam("Authorization") String authorization, @PathParam("siteId") String siteId) {
        return SiteResponse.of(sites.get(owners.authenticate(authorization), siteId));
    }

    @PUT
    @Path("/{siteId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a site's domains, origin and settings",
            description = "Domains kept by name keep their proof; added domains get a new challenge.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SiteResponse.class)))
    @APIResponse(responseCode = "404", description = "No such site among yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public SiteResponse update(@HeaderParam("Authorization") String authorization, @PathParam("siteId") String siteId,
                               SiteRequest request) {
        return SiteResponse.of(sites.update(owners.authenticate(authorization), siteId, request));
    }

    @DELETE
    @Path("/{siteId}")
    @Operation(summary = "Delete a site and its manifests")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such site among yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@HeaderParam("Authorization") String authorization, @PathParam("siteId") String siteId) {
        sites.delete(owners.authenticate(authorization), siteId);
        return Response.noContent().build();
    }

    @POST
    @Path("/{siteId}/verify")
    @Operation(summary = "Check the challenge of every unverified domain",
            description = "DNS TXT _c2c-challenge.<domain>, then http://<domain>/.well-known/c2c-challenge.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = VerifyResult.class)))
    public VerifyResult verify(@HeaderParam("Authorization") String authorization, @PathParam("siteId") String siteId) {
        SiteService.Verification verification = sites.verify(owners.authenticate(authorization), siteId);
        return new VerifyResult(SiteResponse.of(verification.site()), verification.checks());
    }

    @POST
    @Path("/{siteId}/collect")
    @Operation(summary = "Collect the site's files now and publish a new manifest version",
            description = "Bounded in files, bytes and time; every path not collected is listed with a reason.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = CollectResult.class)))
    @APIResponse(responseCode = "409", description = "No verified domain yet, or a collect is already running",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CollectResult collect(@HeaderParam("Authorization") String authorization, @PathParam("siteId") String siteId,
                                 CollectRequest request) {
        return sites.collect(owners.authenticate(authorization), siteId, request == null ? null : request.paths());
    }

    @GET
    @Path("/{siteId}/manifests")
    @Operation(summary = "Retained manifest versions, newest first")
    public ManifestList manifests(@HeaderParam("Authorization") String authorization,
                                  @PathParam("siteId") String siteId) {
        Owner owner = owners.authenticate(authorization);
        SiteRecord site = sites.get(owner, siteId);
        List<ManifestSummary> summaries = sites.manifests(owner, siteId).stream()
                .map(m -> new ManifestSummary(m.manifestId(), m.createdAt(), m.files().size(),
                        m.files().stream().mapToLong(f -> f.size()).sum()))
                .toList();
        return new ManifestList(site.manifestId(), summaries);
    }

    @GET
    @Path("/{siteId}/manifests/{manifestId}")
    @Operation(summary = "One manifest version with every file's size, type and hashes")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Manifest.class)))
    @APIResponse(responseCode = "404", description = "No such site or version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Manifest manifest(@HeaderParam("Authorization") String authorization, @PathParam("siteId") String siteId,
                             @PathParam("manifestId") String manifestId) {
        return sites.manifest(owners.authenticate(authorization), siteId, manifestId);
    }

    @POST
    @Path("/{siteId}/webhook")
    @Operation(summary = "Issue (or rotate) the site's collect webhook secret",
            description = "The secret is shown once; CI calls the returned URL with Authorization: Bearer <secret>.")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = Webhook.class)))
    public Response webhook(@HeaderParam("Authorization") String authorization, @PathParam("siteId") String siteId) {
        String secret = sites.rotateWebhook(owners.authenticate(authorization), siteId);
        return Response.status(201).entity(new Webhook(WebhookResource.path(siteId), secret)).build();
    }
}
