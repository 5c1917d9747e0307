package io.c2c.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, exercised as a newcomer would: {@code ./c2c up} brings Redis, Kafka,
 * the demo origin and the three packaged services to ready; {@code up} again says so;
 * {@code down} leaves no process of ours behind. Every port is a free loopback port.
 */
class LocalRunCommandIT {

    private static final Path ROOT = Path.of(System.getProperty("c2c.root", "..")).toAbsolutePath().normalize();
    private static final Map<String, Integer> PORTS = new HashMap<>();
    private static Path state;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void choosePorts() throws IOException {
        for (String name : List.of("REDIS", "KAFKA", "KAFKA_CONTROLLER", "ORIGIN", "SIGNALING", "DISCOVERY", "RELAY",
                "RELAY_STUN")) {
            PORTS.put(name, FreePorts.next());
        }
        state = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "c2c-state-");
    }

    @AfterAll
    static void stopWhateverIsLeft() throws Exception {
        run(List.of("./c2c", "down"), null);
    }

    @Test
    void upStatusUpAgainAndDownLeavesNothingBehind() throws Exception {
        Result up = run(List.of("./c2c", "up"), null);
        assertEquals(0, up.exitCode, up.output);
        assertTrue(up.output.contains("Collect & Connect is up."), up.output);

        for (String service : List.of("SIGNALING", "DISCOVERY", "RELAY")) {
            HttpResponse<String> ready = get(PORTS.get(service), "/q/health/ready");
            assertEquals(200, ready.statusCode(), service + ": " + ready.body());
            assertTrue(ready.body().contains("\"UP\""), ready.body());
        }
        List<String> signalingLog = Files.readAllLines(state.resolve("logs/signaling.log"));
        assertTrue(signalingLog.stream().anyMatch(line -> line.startsWith("{") && line.contains("\"message\"")
                && line.contains("started in")), "C2C_LOG_JSON=true gives JSON log lines: " + signalingLog);
        assertTrue(signalingLog.stream().noneMatch(line -> line.startsWith("20")), "no plain-text log lines");

        HttpResponse<String> demo = get(PORTS.get("ORIGIN"), "/");
        assertEquals(200, demo.statusCode());
        assertTrue(demo.body().contains("A demo site"));

        // the demo site is registered, verified (a *.localhost name in the local profile) and collected
        String demoHost = "demo.localhost:" + PORTS.get("SIGNALING");
        assertTrue(up.output.contains("http://" + demoHost + "/"), up.output);
        String shell = rawGet(PORTS.get("SIGNALING"), demoHost, "/", "Sec-Fetch-Dest: document");
        assertTrue(shell.startsWith("HTTP/1.1 200") && shell.contains("id=\"c2c-site\""), "the shell page: " + shell);
        String bootstrap = rawGet(PORTS.get("SIGNALING"), demoHost, "/_c2c/bootstrap", "Accept: application/json");
        assertTrue(bootstrap.startsWith("HTTP/1.1 200") && bootstrap.contains("\"/about.html\"")
                && bootstrap.contains("\"/css/site.css\""), "the demo site's manifest: " + bootstrap);
        assertTrue(rawGet(PORTS.get("SIGNALING"), "other.localhost:" + PORTS.get("SIGNALING"), "/", "Accept: text/html")
                .startsWith("HTTP/1.1 404"), "an unregistered *.localhost name is not served");

        List<Long> pids = recordedPids();
        assertEquals(6, pids.size(), "pid files for redis, kafka, origin and three services: " + pids);
        long relay = Long.parseLong(Files.readAllLines(state.resolve("run/relay.pid")).get(0).trim());
        List<String> relayArgs = List.of(ProcessHandle.of(relay).orElseThrow().info().arguments().orElseThrow());
        assertTrue(relayArgs.contains("-XX:-UsePerfData"), "the relay runs with the production JVM flags: " + relayArgs);
        pids.forEach(pid -> assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid));

        Result again = run(List.of("./c2c", "up"), null);
        assertEquals(0, again.exitCode, again.output);
        assertTrue(again.output.contains("already up"), again.output);

        Result status = run(List.of("./c2c", "status"), null);
        assertTrue(status.output.contains("signaling: running") && status.output.contains("kafka: running"),
                status.output);

        Result down = run(List.of("./c2c", "down"), null);
        assertEquals(0, down.exitCode, down.output);
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(handle -> {
                try {
                    handle.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("pid " + pid + " still running after down", e);
                }
            });
        }
        assertTrue(recordedPids().isEmpty(), "down removes the pid files");
        for (String name : PORTS.keySet()) {
            if (!name.equals("RELAY_STUN")) {
                assertFalse(FreePorts.isListening(PORTS.get(name)), name + " port still open after down");
            }
        }
    }

    @Test
    void missingRedisServerGivesOneClearMessage() throws Exception {
        // A PATH with every program of the machine except redis-server.
        Path bin = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "path-without-redis-");
        for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path source = Path.of(dir);
            if (!Files.isDirectory(source)) {
                continue;
            }
            try (Stream<Path> programs = Files.list(source)) {
                for (Path program : (Iterable<Path>) programs::iterator) {
                    Path link = bin.resolve(program.getFileName());
                    if (!program.getFileName().toString().startsWith("redis-server") && !Files.exists(link)) {
                        Files.createSymbolicLink(link, program);
                    }
                }
            }
        }
        Result up = run(List.of("./c2c", "up"), bin.toString());
        try (Stream<Path> links = Files.list(bin)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                Files.delete(link);
            }
        }

        assertNotEquals(0, up.exitCode);
        assertTrue(up.output.contains("missing prerequisite(s): redis-server. Install: apt-get install -y redis-server"),
                up.output);
        assertTrue(recordedPids().isEmpty(), "nothing was started");
    }

    /** A GET with its own Host header (java.net.http does not let a caller set Host), the whole answer as text. */
    private static String rawGet(int port, String host, String path, String header) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + header
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Long> recordedPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.walk(state)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".pid"))::iterator) {
                pids.add(Long.parseLong(Files.readAllLines(file).get(0).trim()));
            }
        }
        return pids;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, String path) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        PORTS.forEach((name, port) -> env.put("C2C_" + name + "_PORT", port.toString()));
        env.put("C2C_STATE_DIR", state.toString());
        env.put("C2C_NO_BUILD", "1");
        env.put("C2C_READY_TIMEOUT", "150");
        env.put("C2C_LOG_JSON", "true");
        if (path != null) {
            env.put("PATH", path);
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
