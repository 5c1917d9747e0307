package io.c2c.images.registry;

import io.c2c.testing.ChildProcess;
import io.c2c.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8) on a free 127.0.0.1 port: plain HTTP, no auth, blobs in a
 * temporary directory, config written here. Ready when {@code GET /v2/} answers 200.
 */
public final class LoopbackRegistry implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final ChildProcess process;
    private final int port;

    private LoopbackRegistry(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static LoopbackRegistry start(Path workDir) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: apt-get install docker-registry (.ci/run does)");
        }
        int port = FreePorts.next();
        try {
            Path storage = Files.createDirectories(workDir.resolve("storage"));
            Path config = workDir.resolve("config.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: info
                    storage:
                      filesystem:
                        rootdirectory: %s
                    http:
                      addr: 127.0.0.1:%d
                    """.formatted(storage, port));
            ChildProcess process = ChildProcess.start("docker-registry", List.of(BINARY.toString(), "serve", config.toString()),
                    workDir.resolve("registry.log"), workDir.resolve("registry.pid"), Map.of());
            LoopbackRegistry registry = new LoopbackRegistry(process, port);
            registry.awaitReady(workDir.resolve("registry.log"));
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Path log) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited:\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("docker-registry not ready within 60 s on port " + port + ":\n" + Files.readString(log));
    }

    /** {@code 127.0.0.1:PORT}, as image references name it. */
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    public String baseUrl() {
        return "http://" + hostAndPort();
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
    }
}
