package io.c2c.signaling.site.frontdoor;

import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.ManifestFile;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.site.SiteRegistry;
import io.c2c.signaling.site.config.ApiHosts;
import io.c2c.signaling.site.proxy.ReverseProxy;
import io.c2c.signaling.site.validation.UrlPaths;
import io.c2c.signaling.site.repository.SiteLog;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Host routing, the first thing every request meets (customers' DNS points here). Platform paths
 * ({@code /q/}, {@code /_c2c/}, {@code /c2c/}) pass through on every host, and everything passes on the API hosts.
 * On a verified site's host, a page navigation to a manifest HTML page gets the collect-and-connect shell
 * (docs/browser.md) and every other request (any method, any path, with its query) goes to the site's origin
 * through the {@link ReverseProxy}. The owner API ({@code /api/}) on any other host reaches its own filter, which
 * answers a problem there; any other host gets a clear 404 page: the platform never serves an unverified domain.
 */
@ApplicationScoped
public class FrontDoor {

    /** Before Quarkus's own routes (REST, static files, WebSocket upgrades). */
    public static final int ORDER = -1_000;
    private static final List<String> PLATFORM_PREFIXES = List.of("/q/", "/_c2c/", "/c2c/");
    private static final String SERVICE_WORKER = "/c2c/sw.js";

    private final SiteRegistry registry;
    private final SiteLog log;
    private final ApiHosts apiHosts;
    private final ReverseProxy proxy;
    private final byte[] shell;
    private final byte[] notFoundPage;

    public FrontDoor(SiteRegistry registry, SiteLog log, ApiHosts apiHosts, ReverseProxy proxy) {
        this.registry = registry;
        this.log = log;
        this.apiHosts = apiHosts;
        this.proxy = proxy;
        this.shell = resource("META-INF/resources/c2c/shell.html");
        this.notFoundPage = resource("frontdoor/unknown-host.html");
    }

    void route(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    void onStart(@Observes StartupEvent event) {
        // keeps the bean eagerly created so the route is registered
    }

    private void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (PLATFORM_PREFIXES.stream().anyMatch(path::startsWith)) {
            if (SERVICE_WORKER.equals(path)) {
                // The worker lives under /c2c/ but must control the whole site.
                ctx.response().putHeader("Service-Worker-Allowed", "/");
            }
            ctx.next();
            return;
        }
        String hostHeader = ctx.request().getHeader("Host");
        if (apiHosts.isApiHost(hostHeader)) {
            ctx.next();
            return;
        }
        Optional<SiteRecord> site = registry.findByHost(hostHeader);
        if (site.isEmpty()) {
            if (path.startsWith("/api/")) {
                // OwnerApiFilter answers a problem (not a page) on hosts that are not API hosts
                ctx.next();
            } else {
                page(ctx, 404, notFoundPage);
            }
            return;
        }
        HttpMethod method = ctx.request().method();
        if ((method == HttpMethod.GET || method == HttpMethod.HEAD) && isNavigation(ctx)
                && isManifestPage(site.get(), ctx.request().path())) {
            page(ctx, 200, shell);
            return;
        }
        proxy.forward(ctx, site.get());
    }

    /** A top-level page load: {@code Sec-Fetch-Dest: document}, or (older browsers) HTML accepted without it. */
    private static boolean isNavigation(RoutingContext ctx) {
        String dest = ctx.request().getHeader("Sec-Fetch-Dest");
        if (dest != null) {
            return "document".equals(dest);
        }
        String accept = ctx.request().getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    private boolean isManifestPage(SiteRecord site, String rawPath) {
        UrlPaths.Result path = UrlPaths.canonical(rawPath, ManifestFile.MAX_PATH_LENGTH);
        if (site.manifestId() == null || !path.ok()) {
            return false;
        }
        Optional<Manifest> manifest = log.store().manifest(site.siteId(), site.manifestId());
        return manifest.map(m -> m.files().stream().anyMatch(f -> f.path().equals(path.path()) && isHtml(f)))
                .orElse(false);
    }

    private static boolean isHtml(ManifestFile file) {
        return file.contentType() != null && file.contentType().toLowerCase(Locale.ROOT).startsWith("text/html");
    }

    private static void page(RoutingContext ctx, int status, byte[] body) {
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().putHeader("Content-Length", Integer.toString(body.length)).end();
        } else {
            ctx.response().end(Buffer.buffer(body));
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = FrontDoor.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
