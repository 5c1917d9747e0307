package io.c2c.discovery.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.c2c.discovery.client.QueryForwarder;
import io.c2c.discovery.config.DiscoveryConfig;
import io.c2c.discovery.index.PeerMatch;
import io.c2c.discovery.service.PeerQueryService;
import io.c2c.discovery.service.ProblemException;
import io.c2c.discovery.service.QueryValidation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.logging.Logger;

/**
 * "Which peers near me hold asset X": answered from this instance's index when it owns the site's
 * partition, forwarded to the owner otherwise (so any instance can be asked).
 */
@Path("/api/v1/sites/{siteId}")
@Produces(MediaType.APPLICATION_JSON)
public class AssetPeersResource {

    private static final Logger LOG = Logger.getLogger(AssetPeersResource.class);

    private final PeerQueryService queries;
    private final QueryForwarder forwarder;
    private final DiscoveryConfig.Query limits;
    private final ObjectMapper json;
    private final Timer singleLatency;
    private final Timer batchLatency;
    private final Counter forwardedOk;
    private final Counter forwardedFailed;

    public AssetPeersResource(PeerQueryService queries, QueryForwarder forwarder, DiscoveryConfig config,
                              ObjectMapper json, MeterRegistry registry) {
        this.queries = queries;
        this.forwarder = forwarder;
        this.limits = config.query();
        this.json = json;
        this.singleLatency = latency(registry, "single");
        this.batchLatency = latency(registry, "batch");
        this.forwardedOk = forwarded(registry, "ok");
        this.forwardedFailed = forwarded(registry, "failed");
    }

    private static Timer latency(MeterRegistry registry, String kind) {
        return Timer.builder("c2c.discovery.query.latency").tag("kind", kind)
                .description("time to answer a query from the local index")
                .publishPercentileHistogram().register(registry);
    }

    private static Counter forwarded(MeterRegistry registry, String outcome) {
        return Counter.builder("c2c.discovery.queries.forwarded").tag("outcome", outcome)
                .description("queries forwarded to the instance owning the site").register(registry);
    }

    @GET
    @Path("/assets/{hash}/peers")
    @Operation(summary = "Up to limit live peers holding the asset, nearest to the asking peer first")
    public Response assetPeers(@PathParam("siteId") String siteId, @PathParam("hash") String hash,
                               @QueryParam("near") String near, @QueryParam("limit") String limitParam,
                               @HeaderParam(QueryForwarder.FORWARDED_HEADER) String forwardedHeader,
                               @Context UriInfo uri) {
        String site = QueryValidation.siteId(siteId);
        String asset = QueryValidation.hash(hash);
        String asker = QueryValidation.near(near);
        int limit = QueryValidation.limit(parseLimit(limitParam), limits.defaultLimit(), limits.maxLimit());
        PeerQueryService.Route route = queries.route(site, forwardedHeader != null);
        if (route instanceof PeerQueryService.Remote remote) {
            return forward(remote.ownerUrl(), pathAndQuery(uri), null);
        }
        boolean stale = ((PeerQueryService.Local) route).stale();
        long start = System.nanoTime();
        List<PeerView> peers = views(queries.nearPeers(site, asset, asker, limit));
        singleLatency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return Response.ok(new AssetPeers(site, asset, stale, peers)).build();
    }

    @POST
    @Path("/peers/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The single-asset query for several hashes at once (same asker, same limit)")
    @RequestBody(description = "{\"near\":\"peer id\",\"limit\":10,\"assets\":[\"<sha-256 hex>\", ...]}")
    public Response batch(@PathParam("siteId") String siteId,
                          @HeaderParam(QueryForwarder.FORWARDED_HEADER) String forwardedHeader,
                          @Context UriInfo uri, byte[] body) {
        String site = QueryValidation.siteId(siteId);
        BatchQuery query = parseBatch(body);
        String asker = QueryValidation.near(query.near());
        int limit = QueryValidation.limit(query.limit(), limits.defaultLimit(), limits.maxLimit());
        List<String> assets = query.assets();
        if (assets == null || assets.isEmpty() || assets.size() > limits.maxBatchAssets()) {
            throw ProblemException.badRequest("assets must list 1.." + limits.maxBatchAssets() + " hashes");
        }
        Set<String> distinct = new HashSet<>();
        for (String hash : assets) {
            QueryValidation.hash(hash);
            if (!distinct.add(hash)) {
                throw ProblemException.badRequest("assets must not repeat a hash: " + hash);
            }
        }
        PeerQueryService.Route route = queries.route(site, forwardedHeader != null);
        if (route instanceof PeerQueryService.Remote remote) {
            return forward(remote.ownerUrl(), pathAndQuery(uri), body);
        }
        boolean stale = ((PeerQueryService.Local) route).stale();
        long start = System.nanoTime();
        List<BatchPeers.Result> results = new ArrayList<>(assets.size());
        for (String hash : assets) {
            results.add(new BatchPeers.Result(hash, views(queries.nearPeers(site, hash, asker, limit))));
        }
        batchLatency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return Response.ok(new BatchPeers(site, stale, results)).build();
    }

    private Response forward(String ownerUrl, String pathAndQuery, byte[] body) {
        try {
            QueryForwarder.Forwarded answer = forwarder.forward(ownerUrl, pathAndQuery, body);
            forwardedOk.increment();
            return Response.status(answer.status()).type(answer.contentType()).entity(answer.body()).build();
        } catch (IOException | IllegalArgumentException e) {
            forwardedFailed.increment();
            queries.ownerFailed();
            LOG.debugf("forwarding to %s failed: %s", ownerUrl, e.toString());
            throw ProblemException.unavailable("the instance owning this site did not answer; retry");
        }
    }

    private BatchQuery parseBatch(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("a JSON body {near, limit, assets} is required");
        }
        try {
            BatchQuery query = json.readValue(body, BatchQuery.class);
            if (query == null) {
                throw ProblemException.badRequest("a JSON object body is required");
            }
            return query;
        } catch (IOException e) {
            throw ProblemException.badRequest("malformed JSON body: expected {near, limit, assets}");
        }
    }

    private static Integer parseLimit(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > 9) {
            throw ProblemException.badRequest("limit must be a small positive integer");
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("limit must be a small positive integer");
        }
    }

    private static String pathAndQuery(UriInfo uri) {
        String query = uri.getRequestUri().getRawQuery();
        return uri.getRequestUri().getRawPath() + (query == null ? "" : "?" + query);
    }

    private static List<PeerView> views(List<PeerMatch> matches) {
        List<PeerView> views = new ArrayList<>(matches.size());
        for (PeerMatch m : matches) {
            views.add(new PeerView(m.peerId(), m.reason().wire(), m.rttEstimateMs()));
        }
        return views;
    }
}
