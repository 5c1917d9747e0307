package io.c2c.signaling.support;

import io.c2c.testing.ChildProcess;
import io.c2c.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged signaling-service ({@code target/quarkus-app/quarkus-run.jar}) running as a child
 * process on a free loopback port, so a test can run two pods and SIGKILL or SIGTERM one.
 */
public final class ServicePod implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Map<String, String> properties;
    private final Path dir;
    private int port;
    private ChildProcess process;

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
        port = FreePorts.next();
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: run the package phase first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms32m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-Dc2c.signaling.pod-id=" + name + "-" + port));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        process = ChildProcess.start(name, command, dir.resolve(name + ".log"), dir.resolve(name + ".pid"), Map.of());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up; see " + dir.resolve(name + ".log"));
            }
            if (readyStatus() == 200) {
                return this;
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + dir.resolve(name + ".log"));
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return WsClient.endpoint(port);
    }

    /** HTTP status of /q/health/ready, or -1 when nothing answers. */
    public int readyStatus() {
        return get("/q/health/ready").statusCode();
    }

    public HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return new Unreachable();
        }
    }

    /** SIGKILL: the pod dies without any clean-up. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM without waiting. */
    public void terminate() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(Duration.ofSeconds(15));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
