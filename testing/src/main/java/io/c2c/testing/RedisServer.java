package io.c2c.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real Redis server (Debian's {@code redis-server}) on 127.0.0.1, without persistence: the
 * platform keeps only ephemeral state in Redis, and tests must start clean.
 */
public final class RedisServer extends ManagedServer {

    private static final String INSTALL_HINT = "apt-get install -y redis-server";

    private final int port;
    private final Path dir;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** Starts a server on {@code port} with its files under {@code dir}, and waits until it answers PING. */
    public static RedisServer start(int port, Path dir, Duration timeout) {
        RedisServer server = new RedisServer(port, dir);
        server.launch(timeout);
        return server;
    }

    /** The server recorded in {@code dir}'s pid file by an earlier {@link #start}, if it still runs. */
    public static Optional<ChildProcess> running(Path dir) {
        return ChildProcess.fromPidFile("redis-server", pidFile(dir.toAbsolutePath().normalize()));
    }

    private static Path pidFile(Path dir) {
        return dir.resolve("redis.pid");
    }

    @Override
    protected void launch(Duration timeout) {
        if (FreePorts.isListening(port)) {
            throw new IllegalStateException("port " + port + " is already in use; cannot start Redis there");
        }
        Path binary = Executables.require("redis-server", "C2C_REDIS_SERVER", INSTALL_HINT);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
        List<String> command = List.of(binary.toString(),
                "--port", String.valueOf(port),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--protected-mode", "yes",
                "--logfile", "");
        process = ChildProcess.start("redis-server", command, dir.resolve("redis.log"), pidFile(dir), Map.of());
        awaitPing(timeout);
    }

    private void awaitPing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited during start-up; see " + dir.resolve("redis.log"));
            }
            if (ping(port)) {
                return;
            }
            sleep(50);
        }
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within " + timeout);
    }

    /** Sends a real RESP {@code PING} and expects {@code +PONG}. */
    public static boolean ping(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.readNBytes(reply, 0, reply.length);
            return read == 7 && "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The URI Quarkus's redis-client takes in {@code quarkus.redis.hosts}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(10);
    }
}
