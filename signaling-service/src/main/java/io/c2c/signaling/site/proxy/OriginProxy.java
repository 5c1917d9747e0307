package io.c2c.signaling.site.proxy;

import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.ManifestFile;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.site.SiteRegistry;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.fetch.FetchException;
import io.c2c.signaling.site.fetch.SafeFetcher;
import io.c2c.signaling.site.repository.SiteLog;
import io.c2c.signaling.site.service.ManifestRetention;
import io.c2c.signaling.site.validation.UrlPaths;
import io.c2c.contracts.ContractJson;
import io.c2c.signaling.site.rest.Problem;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The origin fallback: {@code GET /_c2c/origin/<path>} on a verified site's host streams that file from the site's
 * registered origin, so the service worker and the first peers have a source. It is not an open proxy: the target
 * is always the registered origin plus a path that is in one of the site's retained manifests (in the canonical
 * form of {@link UrlPaths}: no dot segments, encoded slashes or absolute URLs), the origin's address is checked
 * and pinned by {@link SafeFetcher}, redirects are never followed, and responses are bounded in size and idle time.
 * {@code Range}, {@code If-Range} and validators are forwarded, so range requests work when the origin supports them.
 */
@ApplicationScoped
public class OriginProxy {

    public static final String PREFIX = "/_c2c/origin";
    private static final List<String> REQUEST_HEADERS = List.of("Range", "If-Range", "If-None-Match",
            "If-Modified-Since", "Accept");
    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Content-Length", "Content-Range",
            "Accept-Ranges", "ETag", "Last-Modified", "Cache-Control", "Expires");
    private static final Set<Integer> PASSED_STATUSES = Set.of(200, 206, 304, 404, 410, 412, 416);

    private final SiteRegistry registry;
    private final SiteLog log;
    private final SafeFetcher fetcher;
    private final SitesConfig config;
    private final ManifestRetention retention;
    private final Semaphore inFlight;

    public OriginProxy(SiteRegistry registry, SiteLog log, SafeFetcher fetcher, SitesConfig config,
                       ManifestRetention retention) {
        this.registry = registry;
        this.retention = retention;
        this.log = log;
        this.fetcher = fetcher;
        this.config = config;
        this.inFlight = new Semaphore(config.proxy().maxConcurrent());
    }

    void route(@Observes Router router) {
        // Blocking handler: resolving the origin's host name may block; the body is then streamed asynchronously.
        router.get(PREFIX + "/*").blockingHandler(this::handle, false);
    }

    void onStart(@Observes StartupEvent event) {
        // nothing to start; the observer keeps the bean eagerly created so the route is registered
    }

    private void handle(RoutingContext ctx) {
        SiteRecord site = registry.findByHost(ctx.request().getHeader("Host")).orElse(null);
        if (site == null) {
            problem(ctx, 404, "unknown-site", "Unknown site", "no verified site is served under this host");
            return;
        }
        String rawPath = ctx.request().path();
        UrlPaths.Result canonical = UrlPaths.canonical(
                rawPath.length() <= PREFIX.length() ? "" : rawPath.substring(PREFIX.length()),
                ManifestFile.MAX_PATH_LENGTH);
        if (ctx.request().query() != null || !canonical.ok()) {
            problem(ctx, 400, "invalid-path", "Invalid path", "the origin proxy takes a path only (no query, dot "
                    + "segments, encoded slashes, control characters, invalid UTF-8 or absolute URLs)");
            return;
        }
        String path = canonical.path();
        if (!inManifest(site.siteId(), path)) {
            problem(ctx, 404, "not-in-manifest", "Not in manifest", "the path is not in the site's manifest");
            return;
        }
        retention.usedPath(site, path);
        if (!inFlight.tryAcquire()) {
            ctx.response().putHeader("Retry-After", "1");
            problem(ctx, 503, "busy", "Busy", "too many origin requests in flight");
            return;
        }
        RequestOptions options;
        try {
            options = fetcher.pinnedGet(URI.create(site.origin() + path), config.proxy().idleTimeout().toMillis(),
                    SafeFetcher::systemResolve);
        } catch (FetchException | IllegalArgumentException e) {
            inFlight.release();
            problem(ctx, 502, "origin-refused", "Bad gateway", "the origin cannot be fetched from here");
            return;
        }
        for (String name : REQUEST_HEADERS) {
            String value = ctx.request().getHeader(name);
            if (value != null && value.length() <= 512) {
                options.putHeader(name, value);
            }
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.release();
            }
        };
        ctx.response().closeHandler(v -> release.run());
        ctx.response().endHandler(v -> release.run());
        fetcher.client().request(options)
                .onFailure(e -> {
                    release.run();
                    problem(ctx, 502, "origin-unreachable", "Bad gateway", "the origin did not answer");
                })
                .onSuccess(request -> request.send()
                        .onFailure(e -> {
                            release.run();
                            problem(ctx, 502, "origin-unreachable", "Bad gateway", "the origin did not answer");
                        })
                        .onSuccess(response -> relay(ctx, request, response, release)));
    }

    private void relay(RoutingContext ctx, HttpClientRequest request, HttpClientResponse response, Runnable release) {
        int status = response.statusCode();
        if (!PASSED_STATUSES.contains(status)) {
            SafeFetcher.discardBody(request, response);
            release.run();
            problem(ctx, 502, "origin-status", "Bad gateway", status >= 300 && status < 400
                    ? "the origin answered with a redirect; the proxy never follows redirects"
                    : "the origin answered HTTP " + status);
            return;
        }
        long limit = config.collect().maxFileBytes();
        String length = response.getHeader("Content-Length");
        try {
            if (length != null && Long.parseLong(length.strip()) > limit) {
                request.reset();
                release.run();
                problem(ctx, 502, "too-large", "Bad gateway", "the file is larger than the proxy serves");
                return;
            }
        } catch (NumberFormatException e) {
            request.reset();
            release.run();
            problem(ctx, 502, "origin-malformed", "Bad gateway", "malformed Content-Length from the origin");
            return;
        }
        HttpServerResponse out = ctx.response().setStatusCode(status);
        MultiMap headers = response.headers();
        for (String name : RESPONSE_HEADERS) {
            String value = headers.get(name);
            if (value != null) {
                out.putHeader(name, value);
            }
        }
        out.putHeader("X-Content-Type-Options", "nosniff");
        if (length == null) {
            out.setChunked(true);
        }
        AtomicBoolean upstreamEnded = new AtomicBoolean();
        out.closeHandler(v -> {
            // The visitor went away: stop the transfer, but never reset a finished exchange (its pooled
            // connection may already carry another request). This replaces handle()'s close handler, so it
            // releases too (the end handler, also run on close, does the same; release is idempotent).
            if (!upstreamEnded.get()) {
                request.reset();
            }
            release.run();
        });
        AtomicLong sent = new AtomicLong();
        response.exceptionHandler(e -> out.reset());
        response.handler(buffer -> {
            if (sent.addAndGet(buffer.length()) > limit) {
                request.reset();
                out.reset();
                return;
            }
            out.write(buffer);
            if (out.writeQueueFull()) {
                response.pause();
                out.drainHandler(v -> response.resume());
            }
        });
        response.endHandler(v -> {
            upstreamEnded.set(true);
            if (!out.ended() && !out.closed()) {
                out.end();
            }
            release.run();
        });
    }

    private boolean inManifest(String siteId, String path) {
        for (Manifest manifest : log.store().manifestsOf(siteId)) {
            for (ManifestFile file : manifest.files()) {
                if (file.path().equals(path)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void problem(RoutingContext ctx, int status, String slug, String title, String detail) {
        if (ctx.response().headWritten() || ctx.response().ended()) {
            ctx.response().reset();
            return;
        }
        Problem problem = new Problem(Problem.TYPE_BASE + slug, title, status, detail, ctx.request().path(), null);
        ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(io.vertx.core.buffer.Buffer.buffer(ContractJson.toBytes(problem)));
    }
}
