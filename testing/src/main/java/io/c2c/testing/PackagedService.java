package io.c2c.testing;

import java.io.IOException;
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
 * One of the platform's services run as a real separate process from its packaged app
 * ({@code <module>/target/quarkus-app/quarkus-run.jar}), as a pod would run it: for tests that
 * need two instances, a SIGKILL, or a browser talking to the real thing. Ready means its
 * {@code /q/health/ready} answered 200.
 */
public final class PackagedService implements AutoCloseable {

    private final String name;
    private final int port;
    private final ChildProcess process;
    private final Path log;

    private PackagedService(String name, int port, ChildProcess process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code module} (e.g. {@code signaling-service}) on 127.0.0.1:{@code port} and waits until it is ready.
     *
     * @param environment  extra environment variables (secrets belong here, not in properties)
     * @param properties   extra {@code -D} system properties (configuration overrides)
     * @param workDir      where its log and pid file go
     */
    public static PackagedService start(String module, int port, Map<String, String> environment,
                                        Map<String, String> properties, Path workDir, Duration timeout) {
        Path root = Path.of(System.getProperty("c2c.root", "..")).toAbsolutePath().normalize();
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first (./mvnw package)");
        }
        List<String> command = new ArrayList<>(List.of(Executables.java(), "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        String id = module + "-" + port;
        Path log = workDir.resolve(id + ".log");
        ChildProcess process = ChildProcess.start(id, command, log, workDir.resolve(id + ".pid"), environment);
        PackagedService service = new PackagedService(id, port, process, log);
        try {
            service.awaitReady(timeout);
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(5));
            throw e;
        }
        return service;
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up; see " + log);
            }
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            ManagedServer.sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** SIGKILL, as a crashed pod. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM without waiting, to watch the service drain. */
    public void terminate() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM and wait, as Kubernetes stops a pod. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
