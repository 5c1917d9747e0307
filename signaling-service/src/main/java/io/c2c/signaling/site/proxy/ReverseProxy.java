package io.c2c.signaling.site.proxy;

import io.c2c.contracts.ContractJson;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.fetch.FetchException;
import io.c2c.signaling.site.fetch.SafeFetcher;
import io.c2c.signaling.site.rest.Problem;
import io.c2c.signaling.site.validation.UrlPaths;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The reverse proxy for a verified site's own paths: a visitor's request that the front door does not answer
 * itself (forms, the site's APIs, paths outside the manifest, queries) is streamed to the site's registered origin
 * and the answer streamed back. Only ever to that origin: the target is the registered origin plus the request's
 * path in {@link UrlPaths} canonical form and its query, absolute-form targets are refused, the origin's address
 * goes through {@link SafeFetcher}'s policy and pinning, and redirects are passed to the browser, never followed.
 *
 * <p>Headers are end-to-end except the hop-by-hop ones of RFC 9110 §7.6.1 (and any the {@code Connection} header
 * names); {@code Host} is the origin's, {@code X-Forwarded-For/-Proto/-Host} and {@code Via} are added; cookies pass
 * unchanged; a {@code Location} on the origin is rewritten to the site's host. Bounded: request and response bytes,
 * time to the origin's answer, idle time in either direction, requests in flight.
 */
@ApplicationScoped
public class ReverseProxy {

    static final String VIA = "1.1 c2c";
    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);
    private static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
    /** RFC 9110 §7.6.1 plus the non-standard ones proxies traditionally treat as hop-by-hop. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "http2-settings");
    /** Set by this proxy itself, never taken from the visitor (Expect is answered here, not by the origin). */
    private static final Set<String> REQUEST_OWN = Set.of("host", "expect", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "via", "content-length");
    /** Alt-Svc advertises the origin's own endpoints, which the visitor must not be sent to. */
    private static final Set<String> RESPONSE_OWN = Set.of("via", "content-length", "alt-svc");
    private static final int MAX_PATH = 4096;
    private static final long DISCARD_MILLIS = 10_000;

    private final SafeFetcher fetcher;
    private final SitesConfig.ReverseProxy config;
    private final Vertx vertx;
    private final HttpClient client;
    private final Semaphore inFlight;

    public ReverseProxy(SafeFetcher fetcher, SitesConfig config, Vertx vertx) {
        this.fetcher = fetcher;
        this.config = config.reverseProxy();
        this.vertx = vertx;
        this.inFlight = new Semaphore(this.config.maxConcurrent());
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.fetch().connectTimeout().toMillis())
                .setMaxRedirects(0)
                .setKeepAlive(true)
                .setMaxPoolSize(this.config.maxConnectionsPerOrigin())
                .setMaxWaitQueueSize(this.config.maxConcurrent())
                .setVerifyHost(true)
                .setTrustAll(false)
                .setDecompressionSupported(false));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Forwards the request to {@code site}'s origin (called on the event loop by the front door). */
    public void forward(RoutingContext ctx, SiteRecord site) {
        HttpServerRequest request = ctx.request();
        if (!METHODS.contains(request.method())) {
            ctx.response().putHeader("Allow", ALLOW);
            problem(ctx, 405, "method-not-allowed", "Method not allowed", "this method is not passed to the origin");
            return;
        }
        String uri = request.uri();
        if (uri == null || !uri.startsWith("/")) {
            // absolute-form (RFC 9112 §3.2.2) is for proxies; browsers never send it to a site
            problem(ctx, 400, "invalid-target", "Invalid request target", "only origin-form targets are accepted");
            return;
        }
        UrlPaths.Result path = UrlPaths.canonical(request.path(), MAX_PATH);
        String query = request.query();
        if (!path.ok() || (query != null && !plainQuery(query))) {
            problem(ctx, 400, "invalid-path", "Invalid path", path.ok() ? "the query has characters that must be "
                    + "escaped" : "the path " + path.error());
            return;
        }
        long declared;
        try {
            declared = declaredLength(request.headers());
        } catch (NumberFormatException e) {
            problem(ctx, 400, "invalid-length", "Invalid Content-Length", "malformed Content-Length");
            return;
        }
        if (declared >= 0 && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // RFC 9112 §6.1: both framings at once is how requests are smuggled; never pass such a message on
            closeAfterResponse(ctx);
            problem(ctx, 400, "invalid-length", "Invalid framing", "Content-Length and Transfer-Encoding together");
            return;
        }
        if (declared > config.maxRequestBytes()) {
            discardBody(ctx);
            tooLarge(ctx);
            return;
        }
        if (!inFlight.tryAcquire()) {
            ctx.response().putHeader("Retry-After", "1");
            problem(ctx, 503, "busy", "Busy", "too many requests to origins in flight");
            return;
        }
        Exchange exchange = new Exchange(ctx, site, declared);
        request.pause();
        URI target = URI.create(site.origin() + path.path());
        String pathAndQuery = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/"
                : target.getRawPath()) + (query == null ? "" : "?" + query);
        // Resolving the origin's name blocks: a worker thread does it, the rest stays on the event loop.
        vertx.<RequestOptions>executeBlocking(() -> fetcher.pinned(request.method(), target,
                        config.responseTimeout().toMillis(), SafeFetcher::systemResolve), false)
                .onComplete(result -> {
                    if (result.failed()) {
                        // the kind only: the visitor learns nothing about the origin's name or addresses
                        exchange.fail(502, "origin-refused", "the site's origin cannot be reached from here ("
                                + (result.cause() instanceof FetchException fetch ? fetch.kind().code() : "error")
                                + ")");
                        return;
                    }
                    exchange.start(result.result().setURI(pathAndQuery).setIdleTimeout(-1));
                });
    }

    /** One forwarded request: its timers, its bounds, and exactly one release of its in-flight slot. */
    private final class Exchange {

        private final RoutingContext ctx;
        private final SiteRecord site;
        private final long declaredLength;
        private HttpClientRequest upstream;
        private long timer = -1;
        private long timerFiresAt;
        private long deadline;
        private long sentBytes;
        private long receivedBytes;
        private boolean requestEnded;
        private boolean responseStarted;
        private boolean done;

        Exchange(RoutingContext ctx, SiteRecord site, long declaredLength) {
            this.ctx = ctx;
            this.site = site;
            this.declaredLength = declaredLength;
            ctx.response().closeHandler(v -> abort());
            arm(config.idleTimeout().toMillis()); // also bounds resolving the origin's name
        }

        void start(RequestOptions options) {
            if (done) {
                return;
            }
            HttpServerRequest request = ctx.request();
            copyRequestHeaders(request, options);
            arm(config.idleTimeout().toMillis());
            client.request(options).onComplete(created -> {
                if (created.failed()) {
                    fail(502, "origin-unreachable", "the origin did not accept a connection");
                    return;
                }
                if (done) {
                    created.result().reset();
                    return;
                }
                upstream = created.result();
                upstream.exceptionHandler(e -> onUpstreamFailure());
                upstream.response().onComplete(response -> {
                    if (response.failed()) {
                        onUpstreamFailure();
                    } else {
                        relay(response.result());
                    }
                });
                boolean hasBody = declaredLength > 0 || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
                if (!hasBody) {
                    requestEnded = true;
                    arm(config.responseTimeout().toMillis());
                    upstream.end();
                    request.resume();
                    return;
                }
                if (declaredLength >= 0) {
                    upstream.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(declaredLength));
                } else {
                    upstream.setChunked(true);
                }
                pumpRequestBody(request);
            });
        }

        private void pumpRequestBody(HttpServerRequest request) {
            request.handler(buffer -> {
                if (done) {
                    return;
                }
                sentBytes += buffer.length();
                if (sentBytes > config.maxRequestBytes()) {
                    tooLargeInFlight();
                    return;
                }
                if (declaredLength >= 0 && sentBytes > declaredLength) {
                    // more than announced would spill into the origin connection's next request
                    fail(400, "invalid-length", "the body is longer than its Content-Length");
                    return;
                }
                arm(config.idleTimeout().toMillis());
                upstream.write(buffer);
                if (upstream.writeQueueFull()) {
                    request.pause();
                    upstream.drainHandler(v -> request.resume());
                }
            });
            request.exceptionHandler(e -> abort());
            request.endHandler(v -> {
                if (done) {
                    return;
                }
                requestEnded = true;
                arm(config.responseTimeout().toMillis());
                upstream.end();
            });
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                ctx.response().writeContinue();
            }
            request.resume();
        }

        private void relay(HttpClientResponse response) {
            if (done) {
                return;
            }
            String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
            long expected;
            try {
                expected = length == null ? -1 : Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                fail(502, "origin-malformed", "malformed Content-Length from the origin");
                return;
            }
            if (expected > config.maxResponseBytes()) {
                fail(502, "too-large", "the origin's answer is larger than the proxy passes");
                return;
            }
            HttpServerResponse out = ctx.response();
            responseStarted = true;
            arm(config.idleTimeout().toMillis());
            out.setStatusCode(response.statusCode());
            copyResponseHeaders(response, out);
            boolean bodiless = ctx.request().method() == HttpMethod.HEAD || response.statusCode() == 204
                    || response.statusCode() == 304 || response.statusCode() < 200;
            if (expected >= 0) {
                out.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(expected));
            } else if (!bodiless) {
                out.setChunked(true);
            }
            response.exceptionHandler(e -> abort());
            response.handler(buffer -> {
                if (done) {
                    return;
                }
                receivedBytes += buffer.length();
                if (receivedBytes > config.maxResponseBytes()) {
                    abort();
                    return;
                }
                arm(config.idleTimeout().toMillis());
                out.write(buffer);
                if (out.writeQueueFull()) {
                    response.pause();
                    out.drainHandler(v -> response.resume());
                }
            });
            response.endHandler(v -> {
                if (done) {
                    return;
                }
                finish();
                if (!out.ended() && !out.closed()) {
                    out.end();
                }
            });
        }

        private void copyRequestHeaders(HttpServerRequest request, RequestOptions options) {
            MultiMap in = request.headers();
            Set<String> skip = connectionNamed(in);
            for (Map.Entry<String, String> header : in) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (!HOP_BY_HOP.contains(name) && !REQUEST_OWN.contains(name) && !skip.contains(name)) {
                    options.addHeader(header.getKey(), header.getValue());
                }
            }
            String client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
            String forwardedFor = in.get("X-Forwarded-For");
            // Appended, as proxies do: the origin trusts only the entries its own proxies added.
            options.putHeader("X-Forwarded-For", forwardedFor == null || forwardedFor.isBlank() ? client
                    : forwardedFor + ", " + client);
            options.putHeader("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
            options.putHeader("X-Forwarded-Host", request.getHeader(HttpHeaders.HOST));
            String via = in.get("Via");
            options.putHeader("Via", via == null || via.isBlank() ? VIA : via + ", " + VIA);
        }

        private void copyResponseHeaders(HttpClientResponse response, HttpServerResponse out) {
            MultiMap in = response.headers();
            Set<String> skip = connectionNamed(in);
            for (Map.Entry<String, String> header : in) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (HOP_BY_HOP.contains(name) || RESPONSE_OWN.contains(name) || skip.contains(name)) {
                    continue;
                }
                String value = header.getValue();
                if (name.equals("location") || name.equals("content-location")) {
                    value = rewriteLocation(value, site.origin(), ctx.request().scheme(),
                            ctx.request().getHeader(HttpHeaders.HOST));
                }
                out.headers().add(header.getKey(), value);
            }
            String via = in.get("Via");
            out.putHeader("Via", via == null || via.isBlank() ? VIA : via + ", " + VIA);
        }

        /**
         * Moves the deadline to {@code millis} from now. Called for every body chunk, so it only writes a field; the
         * one timer is replaced only when the deadline comes earlier than it fires, and otherwise re-checks.
         */
        private void arm(long millis) {
            long now = System.nanoTime();
            deadline = now + millis * 1_000_000L;
            if (timer < 0 || deadline < timerFiresAt) {
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
                schedule(now, millis);
            }
        }

        private void schedule(long now, long millis) {
            long delay = Math.max(1, millis);
            timerFiresAt = now + delay * 1_000_000L;
            timer = vertx.setTimer(delay, id -> {
                timer = -1;
                if (done) {
                    return;
                }
                long now2 = System.nanoTime();
                long leftMillis = (deadline - now2 + 999_999L) / 1_000_000L;
                if (leftMillis > 0) {
                    schedule(now2, leftMillis);
                } else {
                    onTimeout();
                }
            });
        }

        private void onTimeout() {
            if (done) {
                return;
            }
            if (responseStarted) {
                abort();
            } else if (requestEnded || upstream == null) {
                fail(504, "origin-timeout", "the origin did not answer in time");
            } else {
                closeAfterResponse(ctx);
                fail(408, "request-timeout", "the request body stopped arriving");
            }
        }

        private void onUpstreamFailure() {
            if (done) {
                return;
            }
            if (responseStarted) {
                abort();
            } else {
                fail(502, "origin-unreachable", "the origin did not answer");
            }
        }

        private void tooLargeInFlight() {
            finish();
            upstream.reset();
            discardBody(ctx);
            tooLarge(ctx);
        }

        /** Answers a problem if nothing was sent yet, else cuts the response. */
        void fail(int status, String slug, String detail) {
            if (done) {
                return;
            }
            finish();
            if (upstream != null) {
                upstream.reset();
            }
            if (!requestEnded) {
                // the unread rest of the visitor's body must not be taken for the next request
                closeAfterResponse(ctx);
            }
            problem(ctx, status, slug, status == 504 ? "Gateway timeout" : status == 408 ? "Request timeout"
                    : status == 400 ? "Bad request" : "Bad gateway", detail);
        }

        private void abort() {
            if (done) {
                return;
            }
            finish();
            if (upstream != null) {
                upstream.reset();
            }
            if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.response().reset();
            }
        }

        private void finish() {
            if (done) {
                return;
            }
            done = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            inFlight.release();
            // Let a paused request flow (and be dropped) so the connection is not stuck.
            ctx.request().resume();
        }
    }

    /**
     * {@code location} with the origin's scheme, host and base path replaced by the site's, when it points at the
     * origin (absolute, scheme-relative, or an absolute path under the origin's base path); unchanged otherwise.
     */
    static String rewriteLocation(String location, String origin, String visitorScheme, String visitorHost) {
        if (location == null || location.isBlank() || visitorHost == null) {
            return location;
        }
        URI originUri = URI.create(origin);
        URI uri;
        try {
            uri = new URI(location.strip());
        } catch (URISyntaxException e) {
            return location;
        }
        String base = originUri.getRawPath() == null ? "" : originUri.getRawPath();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean onOrigin;
        if (uri.getRawAuthority() == null) {
            // relative: only an absolute path below the base path needs its prefix removed
            if (base.isEmpty() || uri.getScheme() != null || !(path.equals(base) || path.startsWith(base + "/"))) {
                return location;
            }
            return rebuild(path.substring(base.length()), uri);
        }
        String scheme = uri.getScheme() == null ? originUri.getScheme() : uri.getScheme().toLowerCase(Locale.ROOT);
        onOrigin = scheme.equals(originUri.getScheme()) && uri.getHost() != null
                && uri.getHost().equalsIgnoreCase(originUri.getHost())
                && port(uri, scheme) == port(originUri, originUri.getScheme()) && uri.getRawUserInfo() == null;
        if (!onOrigin) {
            return location;
        }
        if (!base.isEmpty()) {
            if (!(path.equals(base) || path.startsWith(base + "/"))) {
                return location;
            }
            path = path.substring(base.length());
        }
        return (visitorScheme == null ? "http" : visitorScheme) + "://" + visitorHost + rebuild(path, uri);
    }

    private static String rebuild(String path, URI uri) {
        return (path.isEmpty() ? "/" : path) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
    }

    private static int port(URI uri, String scheme) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    }

    /** Header names listed in {@code Connection}, which are hop-by-hop for this message (RFC 9110 §7.6.1). */
    private static Set<String> connectionNamed(MultiMap headers) {
        List<String> values = headers.getAll(HttpHeaders.CONNECTION);
        if (values.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** -1 without a Content-Length; several differing values are malformed (RFC 9112 §6.3). */
    private static long declaredLength(MultiMap headers) {
        List<String> values = headers.getAll(HttpHeaders.CONTENT_LENGTH);
        if (values.isEmpty()) {
            return -1;
        }
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",")) {
                long parsed = Long.parseLong(part.strip());
                if (parsed < 0 || (length >= 0 && parsed != length)) {
                    throw new NumberFormatException("conflicting Content-Length");
                }
                length = parsed;
            }
        }
        return length;
    }

    /** Visible ASCII without {@code #}: what a browser sends after escaping. */
    private static boolean plainQuery(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads and drops the rest of a refused request body, so the client (which usually sends its whole body before
     * it reads) gets the answer instead of a reset connection; bounded in bytes and time, then the connection is
     * closed.
     */
    private void discardBody(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded()) {
            return;
        }
        long[] dropped = {0};
        long timer = vertx.setTimer(DISCARD_MILLIS, id -> request.connection().close());
        request.handler(buffer -> {
            dropped[0] += buffer.length();
            if (dropped[0] > config.maxRequestBytes() * 2) {
                vertx.cancelTimer(timer);
                request.connection().close();
            }
        });
        request.exceptionHandler(e -> vertx.cancelTimer(timer));
        request.endHandler(v -> vertx.cancelTimer(timer));
        request.resume();
    }

    /**
     * Closes the connection once this response is written (HTTP/1.x only; on HTTP/2 the stream ends alone): the
     * unread rest of the request must never be parsed as the next request, and the server would otherwise wait
     * for a body that may never come.
     */
    private static void closeAfterResponse(RoutingContext ctx) {
        if (ctx.request().version() != HttpVersion.HTTP_2) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            ctx.response().endHandler(v -> ctx.request().connection().close());
        }
    }

    private static void tooLarge(RoutingContext ctx) {
        problem(ctx, 413, "too-large", "Request body too large", "the request body is larger than the site accepts "
                + "through the platform");
    }

    private static void problem(RoutingContext ctx, int status, String slug, String title, String detail) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten() || response.ended() || response.closed()) {
            if (!response.ended() && !response.closed()) {
                response.reset();
            }
            return;
        }
        Problem problem = new Problem(Problem.TYPE_BASE + slug, title, status, detail, ctx.request().path(), null);
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(Buffer.buffer(ContractJson.toBytes(problem)));
    }
}
