package io.c2c.signaling.site.fetch;

import io.c2c.net.AddressPolicy;
import io.c2c.signaling.site.config.SitesConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The platform's only way to fetch from an origin: resolves the host itself, refuses addresses the
 * {@link AddressPolicy} blocks (the platform's one deny list, with {@code fetch.allowed-private-cidrs} as the
 * allow-list), then connects to exactly the checked address (so a DNS answer cannot change
 * between the check and the connection), bounds time and body size, and follows redirects by hand: only
 * http(s), only to the same host, never in a loop, at most {@code maxRedirects}.
 */
@ApplicationScoped
public class SafeFetcher {

    /** Receives a 200 response's body as it streams in (on an event-loop thread: keep it cheap). */
    public interface BodySink {
        void accept(byte[] bytes);
    }

    /** Resolves a host name to the addresses to check and connect to. */
    public interface HostResolver {
        List<InetAddress> resolve(String host) throws FetchException;
    }

    /** The final response after redirects. */
    public record Response(URI url, int status, String contentType, long bytes, List<URI> redirects) {
    }

    private static final long DISCARD_LIMIT = 64 * 1024;

    private final AddressPolicy policy;
    private final SitesConfig.Fetch config;
    private final HttpClient client;

    public SafeFetcher(Vertx vertx, SitesConfig config) {
        this.config = config.fetch();
        this.policy = AddressPolicy.fromConfig(this.config.allowedPrivateCidrs().orElse(List.of()));
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.connectTimeout().toMillis())
                .setMaxRedirects(0)
                .setKeepAlive(true)
                .setMaxPoolSize(8)
                .setVerifyHost(true)
                .setTrustAll(false)
                .setDecompressionSupported(false));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public AddressPolicy policy() {
        return policy;
    }

    /** The system resolver (a literal IP is returned as is). */
    public static List<InetAddress> systemResolve(String host) throws FetchException {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            throw new FetchException(FetchException.Kind.DNS_FAILURE, "cannot resolve " + host);
        }
    }

    /**
     * GETs {@code url}, following same-host redirects, and streams a 200 body into {@code sink}.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which everything must be done
     * @throws FetchException with a non-200 final status ({@link FetchException.Kind#HTTP_STATUS}) or any failure
     */
    public Response get(URI url, long maxBytes, long deadlineNanos, HostResolver resolver, BodySink sink)
            throws FetchException {
        List<URI> redirects = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        URI current = url;
        String originHost = host(url);
        for (int hop = 0; ; hop++) {
            if (!seen.add(current.toString())) {
                throw new FetchException(FetchException.Kind.REDIRECT_LOOP, "redirect loop at " + current.getRawPath());
            }
            Attempt attempt = once(current, maxBytes, deadlineNanos, resolver, sink);
            if (attempt.location == null) {
                if (attempt.status != 200) {
                    throw new FetchException(FetchException.Kind.HTTP_STATUS, "origin answered HTTP " + attempt.status);
                }
                return new Response(current, attempt.status, attempt.contentType, attempt.bytes, List.copyOf(redirects));
            }
            if (hop >= config.maxRedirects()) {
                throw new FetchException(FetchException.Kind.TOO_MANY_REDIRECTS,
                        "more than " + config.maxRedirects() + " redirects");
            }
            URI next = resolveLocation(current, attempt.location);
            if (!host(next).equals(originHost)) {
                throw new FetchException(FetchException.Kind.OFF_ORIGIN_REDIRECT,
                        "redirect leaves the origin's host (" + host(next) + ")");
            }
            redirects.add(next);
            current = next;
        }
    }

    private static URI resolveLocation(URI base, String location) throws FetchException {
        URI next;
        try {
            next = base.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException(FetchException.Kind.NON_HTTP_REDIRECT, "redirect to an invalid URL");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException(FetchException.Kind.NON_HTTP_REDIRECT,
                    "redirect to a non-http URL (" + (scheme.isEmpty() ? "no scheme" : scheme) + ")");
        }
        if (next.getHost() == null || next.getRawUserInfo() != null) {
            throw new FetchException(FetchException.Kind.NON_HTTP_REDIRECT, "redirect to a URL without a plain host");
        }
        return next;
    }

    /**
     * Options for a GET of {@code url} that connect only to an address of its host that the policy permits (the
     * checked address itself, so DNS cannot change between check and connect). Blocking: resolves the host.
     */
    public RequestOptions pinnedGet(URI url, long timeoutMs, HostResolver resolver) throws FetchException {
        return pinned(HttpMethod.GET, url, timeoutMs, resolver)
                .addHeader("User-Agent", "c2c-collect/0.1")
                .addHeader("Accept-Encoding", "identity");
    }

    /**
     * Options for a {@code method} request to {@code url} (path and query taken raw) connecting only to a checked
     * address of its host, with no headers but Host; the reverse proxy adds the visitor's. Blocking: resolves.
     */
    public RequestOptions pinned(HttpMethod method, URI url, long timeoutMs, HostResolver resolver)
            throws FetchException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || url.getHost() == null) {
            throw new FetchException(FetchException.Kind.INVALID_URL, "not an http(s) URL");
        }
        boolean tls = scheme.equals("https");
        int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
        String host = url.getHost();
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> addresses = resolver.resolve(literal);
        if (addresses.isEmpty()) {
            throw new FetchException(FetchException.Kind.DNS_FAILURE, "no address for " + host);
        }
        for (InetAddress address : addresses) {
            if (!policy.permits(address)) {
                // One blocked answer blocks all: a name that resolves to internal addresses is not an origin.
                throw new FetchException(FetchException.Kind.BLOCKED_ADDRESS,
                        host + " resolves to an address the platform does not fetch from");
            }
        }
        InetAddress target = addresses.get(0);
        String pathAndQuery = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        return new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setSsl(tls)
                .setURI(pathAndQuery)
                .setServer(SocketAddress.inetSocketAddress(port, target.getHostAddress()))
                .setFollowRedirects(false)
                .setConnectTimeout(Math.min(timeoutMs, config.connectTimeout().toMillis()))
                .setIdleTimeout(timeoutMs);
    }

    /** The shared outbound client (no redirects, bounded pool); only use it with {@link #pinnedGet} options. */
    public HttpClient client() {
        return client;
    }

    /**
     * Drops an unwanted answer's body: a small one is read to its end, so the connection goes back to the pool
     * intact; a large one is cut. Never {@code reset()} an answer that may already be complete: its connection may
     * be back in the pool and serving another request, which the reset would break.
     */
    public static void discardBody(HttpClientRequest request, HttpClientResponse response) {
        long[] seen = {0};
        response.exceptionHandler(e -> { });
        response.handler(buffer -> {
            seen[0] += buffer.length();
            if (seen[0] > DISCARD_LIMIT) {
                request.reset();
            }
        });
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private record Attempt(int status, String location, String contentType, long bytes) {
    }

    private Attempt once(URI url, long maxBytes, long deadlineNanos, HostResolver resolver, BodySink sink)
            throws FetchException {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        long timeoutMs = Math.min(leftMs, config.requestTimeout().toMillis());
        if (timeoutMs <= 0) {
            throw new FetchException(FetchException.Kind.TIMEOUT, "no time left for this request");
        }
        RequestOptions options = pinnedGet(url, timeoutMs, resolver);

        CompletableFuture<Attempt> result = new CompletableFuture<>();
        AtomicLong received = new AtomicLong();
        CompletableFuture<HttpClientRequest> requestRef = new CompletableFuture<>();
        client.request(options).onFailure(result::completeExceptionally).onSuccess(request -> {
            requestRef.complete(request);
            request.send().onFailure(result::completeExceptionally).onSuccess(response ->
                    onResponse(response, request, maxBytes, received, sink, result));
        });
        try {
            return result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            requestRef.thenAccept(HttpClientRequest::reset);
            throw new FetchException(FetchException.Kind.TIMEOUT, "no complete answer within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requestRef.thenAccept(HttpClientRequest::reset);
            throw new FetchException(FetchException.Kind.TIMEOUT, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof FetchException fetch) {
                throw fetch;
            }
            String name = cause == null ? "" : cause.getClass().getSimpleName();
            if (name.contains("Connect") || (cause != null && String.valueOf(cause.getMessage()).contains("Connection refused"))) {
                throw new FetchException(FetchException.Kind.CONNECT_FAILED, "cannot connect to the origin");
            }
            if (name.contains("Timeout")) {
                throw new FetchException(FetchException.Kind.TIMEOUT, "the origin did not answer in time");
            }
            throw new FetchException(FetchException.Kind.IO, "transfer failed (" + name + ")");
        }
    }

    private static void onResponse(HttpClientResponse response, HttpClientRequest request, long maxBytes,
                                   AtomicLong received, BodySink sink, CompletableFuture<Attempt> result) {
        int status = response.statusCode();
        String contentType = response.getHeader("Content-Type");
        if (status >= 300 && status < 400 && status != 304) {
            String location = response.getHeader("Location");
            // Complete first: a reset fires the stream's exception handler, which must find the result decided.
            if (location == null || location.isBlank() || location.length() > 4096) {
                result.complete(new Attempt(status, null, contentType, 0));
            } else {
                result.complete(new Attempt(status, location, contentType, 0));
            }
            discardBody(request, response);
            return;
        }
        if (status != 200) {
            result.complete(new Attempt(status, null, contentType, 0));
            discardBody(request, response);
            return;
        }
        String length = response.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > maxBytes) {
                    result.completeExceptionally(new FetchException(FetchException.Kind.TOO_LARGE,
                            "file is " + length.strip() + " bytes, more than the limit of " + maxBytes));
                    request.reset();
                    return;
                }
            } catch (NumberFormatException e) {
                result.completeExceptionally(new FetchException(FetchException.Kind.IO, "malformed Content-Length"));
                request.reset();
                return;
            }
        }
        response.exceptionHandler(result::completeExceptionally);
        response.handler(buffer -> {
            if (result.isDone()) {
                return;
            }
            long total = received.addAndGet(buffer.length());
            if (total > maxBytes) {
                result.completeExceptionally(new FetchException(FetchException.Kind.TOO_LARGE,
                        "file is larger than the limit of " + maxBytes + " bytes"));
                request.reset();
                return;
            }
            sink.accept(buffer.getBytes());
        });
        response.endHandler(v -> result.complete(new Attempt(200, null, contentType, received.get())));
    }
}
