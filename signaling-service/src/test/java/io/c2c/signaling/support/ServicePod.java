package io.c2c.signaling.support;

import io.c2c.testing.FreePorts;
import io.c2c.testing.PackagedService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A signaling pod for tests: the packaged service ({@link PackagedService}) on a free loopback
 * port, restartable, so a test can run two pods and SIGKILL or SIGTERM one.
 */
public final class ServicePod implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Map<String, String> properties;
    private final Path dir;
    private PackagedService service;

    public ServicePod(String name, Path dir, Map<String, String> properties) {
        this.name = name;
        this.dir = dir;
        this.properties = properties;
    }

    /**
     * Starts the pod on a new free port and waits until it is ready. Each start is a new pod id (as a
     * replacement Kubernetes pod gets a new name), so a restarted pod never shares the dead one's inbox.
     */
    public ServicePod start(Duration timeout) {
        int port = FreePorts.next();
        Map<String, String> withId = new HashMap<>(properties);
        withId.put("c2c.signaling.pod-id", name + "-" + port);
        service = PackagedService.start("signaling-service", port, Map.of(), withId, dir, timeout);
        return this;
    }

    public int port() {
        return service.port();
    }

    /** The pod's console log (stdout and stderr). */
    public Path log() {
        return service.log();
    }

    /** The first sample of a Prometheus series on /q/metrics (name alone or with labels); 0 when absent. */
    public double metric(String series) {
        for (String line : get("/q/metrics").body().split("\n")) {
            if (line.startsWith(series + " ") || line.startsWith(series + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    public URI endpoint() {
        return WsClient.endpoint(service.port());
    }

    /** HTTP status of /q/health/ready, or -1 when nothing answers. */
    public int readyStatus() {
        return get("/q/health/ready").statusCode();
    }

    public HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(service.url() + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return new Unreachable();
        }
    }

    /** SIGKILL: the pod dies without any clean-up. */
    public void kill() {
        service.kill();
    }

    /** SIGTERM without waiting. */
    public void terminate() {
        service.terminate();
    }

    public boolean isAlive() {
        return service != null && service.isAlive();
    }

    @Override
    public void close() {
        if (service != null) {
            service.close();
        }
    }

    /** The answer when the pod does not answer at all. */
    private static final class Unreachable implements HttpResponse<String> {
        @Override public int statusCode() { return -1; }
        @Override public HttpRequest request() { return null; }
        @Override public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        @Override public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true); }
        @Override public String body() { return ""; }
        @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
        @Override public URI uri() { return null; }
        @Override public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
    }
}
