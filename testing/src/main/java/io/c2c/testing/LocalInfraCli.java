package io.c2c.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Command line over the harness for {@code ./c2c}: starts Redis, Kafka and the demo origin as
 * detached child processes with pid files, and stops exactly those. The same classes start the
 * infrastructure of the tests, so the local platform and the tests never drift apart.
 *
 * <pre>
 *   redis  start --port P --dir D       kafka  start --port P --controller-port C --dir D
 *   origin start --port P --root R --dir D
 *   (redis|kafka|origin) (stop|status) --dir D
 * </pre>
 */
public final class LocalInfraCli {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private LocalInfraCli() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("c2c-infra: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("c2c-infra: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: (redis|kafka|origin) (start|stop|status) [--option value ...]");
        }
        String component = args[0];
        String action = args[1];
        Map<String, String> options = options(args);
        Path dir = Path.of(required(options, "dir")).toAbsolutePath().normalize();
        Optional<ChildProcess> running = switch (component) {
            case "redis" -> RedisServer.running(dir);
            case "kafka" -> KafkaBroker.running(dir);
            case "origin" -> ChildProcess.fromPidFile("origin", dir.resolve("origin.pid"));
            default -> throw new IllegalArgumentException("unknown component " + component);
        };
        switch (action) {
            case "status" -> {
                System.out.println(component + ": " + running.map(p -> "running, pid " + p.pid()).orElse("stopped"));
                return running.isPresent() ? 0 : 3;
            }
            case "stop" -> {
                running.ifPresent(p -> p.stop(Duration.ofSeconds(30)));
                System.out.println(component + ": " + (running.isPresent() ? "stopped" : "was not running"));
                return 0;
            }
            case "start" -> {
                if (running.isPresent()) {
                    System.out.println(component + ": already running, pid " + running.get().pid());
                    return 0;
                }
                int port = Integer.parseInt(required(options, "port"));
                switch (component) {
                    case "redis" -> RedisServer.start(port, dir, START_TIMEOUT);
                    case "kafka" -> PlatformTopics.ensure(KafkaBroker.start(port,
                            Integer.parseInt(required(options, "controller-port")), dir, START_TIMEOUT)
                            .bootstrapServers());
                    default -> startOrigin(port, Path.of(required(options, "root")), dir);
                }
                System.out.println(component + ": ready on 127.0.0.1:" + port);
                return 0;
            }
            default -> throw new IllegalArgumentException("unknown action " + action);
        }
    }

    private static void startOrigin(int port, Path root, Path dir) {
        if (FreePorts.isListening(port)) {
            throw new IllegalStateException("port " + port + " is already in use; cannot start the demo origin there");
        }
        List<String> command = new ArrayList<>(List.of(Executables.java(), "-Xmx64m", "-XX:+UseSerialGC",
                "-Dc2c.origin.dir=" + dir, "-cp", System.getProperty("java.class.path"),
                DemoOriginServer.class.getName(), String.valueOf(port), root.toAbsolutePath().toString()));
        ChildProcess process = ChildProcess.start("origin", command, dir.resolve("origin.log"),
                dir.resolve("origin.pid"), Map.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!FreePorts.isListening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("demo origin did not start; see " + dir.resolve("origin.log"));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }
}
