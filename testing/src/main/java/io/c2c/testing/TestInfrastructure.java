package io.c2c.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Real Redis and Kafka for one test JVM: started on first use on free loopback ports, shared by
 * every test class of the JVM (so Quarkus boots once), stopped when the JVM exits.
 */
public final class TestInfrastructure {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static RedisServer redis;
    private static KafkaBroker kafka;
    private static Path root;

    private TestInfrastructure() {
    }

    public static synchronized RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.start(FreePorts.next(), root().resolve("redis"), START_TIMEOUT);
        }
        return redis;
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = KafkaBroker.start(FreePorts.next(), FreePorts.next(), root().resolve("kafka"), START_TIMEOUT);
            PlatformTopics.ensure(kafka.bootstrapServers());
        }
        return kafka;
    }

    /** A fresh directory under the module's {@code target/} for this JVM's infrastructure files. */
    public static synchronized Path root() {
        if (root == null) {
            try {
                Path base = Path.of(System.getProperty("c2c.test.dir", "target"), "c2c-infra");
                Files.createDirectories(base);
                root = Files.createTempDirectory(base.toAbsolutePath(), "run-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestInfrastructure::stopAll, "c2c-infra-stop"));
        }
        return root;
    }

    private static synchronized void stopAll() {
        if (kafka != null) {
            kafka.stop();
        }
        if (redis != null) {
            redis.stop();
        }
    }
}
