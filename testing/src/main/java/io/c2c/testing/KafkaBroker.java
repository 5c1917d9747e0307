package io.c2c.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run as a
 * child JVM from the jars of the {@code kafka-runtime} module so that the broker's classpath never
 * mixes with a service's. Storage is formatted on first start and kept across restarts, so a test
 * can kill the broker and find its topics intact after {@link #restart}.
 *
 * <p>The broker counts as ready only after a produce/consume round trip through it succeeds.
 */
public final class KafkaBroker extends ManagedServer {

    private static final String CLASSPATH_RESOURCE = "META-INF/c2c/kafka-broker.classpath";
    private static final String READY_TOPIC = "c2c-ready-check";

    private final int port;
    private final int controllerPort;
    private final Path dir;

    private KafkaBroker(int port, int controllerPort, Path dir) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * Formats {@code dir} if it is new, starts the broker on 127.0.0.1:{@code port} (controller on
     * {@code controllerPort}) and waits for a successful round trip.
     */
    public static KafkaBroker start(int port, int controllerPort, Path dir, Duration timeout) {
        KafkaBroker broker = new KafkaBroker(port, controllerPort, dir);
        broker.launch(timeout);
        return broker;
    }

    /** The broker recorded in {@code dir}'s pid file by an earlier {@link #start}, if it still runs. */
    public static Optional<ChildProcess> running(Path dir) {
        return ChildProcess.fromPidFile("kafka", pidFile(dir.toAbsolutePath().normalize()));
    }

    private static Path pidFile(Path dir) {
        return dir.resolve("kafka.pid");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    protected void launch(Duration timeout) {
        for (int p : new int[] {port, controllerPort}) {
            if (FreePorts.isListening(p)) {
                throw new IllegalStateException("port " + p + " is already in use; cannot start Kafka there");
            }
        }
        String classpath = brokerClasspath();
        Path config = writeServerProperties();
        formatStorageIfNew(classpath, config);
        List<String> command = new ArrayList<>(jvm(classpath));
        command.add("kafka.Kafka");
        command.add(config.toString());
        process = ChildProcess.start("kafka", command, dir.resolve("kafka.log"), pidFile(dir), Map.of());
        awaitRoundTrip(timeout);
    }

    private List<String> jvm(String classpath) {
        // A small heap and C1 only: a test broker handles little traffic, and it shares 2 cores.
        return List.of(Executables.java(), "-Xms32m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", classpath);
    }

    private Path writeServerProperties() {
        Path config = dir.resolve("server.properties");
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The 128 MiB default dedupe buffer does not fit the small heap.
        p.setProperty("log.cleaner.dedupe.buffer.size", "4194304");
        p.setProperty("auto.create.topics.enable", "true");
        try {
            Files.createDirectories(dir);
            try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(out, "written by io.c2c.testing.KafkaBroker; regenerated at every start");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return config;
    }

    private void formatStorageIfNew(String classpath, Path config) {
        if (Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            return;
        }
        Path clusterIdFile = dir.resolve("cluster.id");
        try {
            if (!Files.exists(clusterIdFile)) {
                Files.writeString(clusterIdFile, Uuid.randomUuid().toString(), StandardCharsets.UTF_8);
            }
            String clusterId = Files.readString(clusterIdFile, StandardCharsets.UTF_8).trim();
            List<String> command = new ArrayList<>(jvm(classpath));
            command.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString(),
                    "--ignore-formatted"));
            Process format = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile()))
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage timed out; see " + dir.resolve("format.log"));
            }
            if (format.exitValue() != 0) {
                throw new IllegalStateException("formatting Kafka storage failed (exit " + format.exitValue()
                        + "); see " + dir.resolve("format.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format Kafka storage in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    /** The broker's classpath, written by the kafka-runtime module at build time (or C2C_KAFKA_CLASSPATH). */
    static String brokerClasspath() {
        String override = System.getenv("C2C_KAFKA_CLASSPATH");
        if (override != null && !override.isBlank()) {
            return override;
        }
        try (InputStream in = KafkaBroker.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing: build the kafka-runtime module "
                        + "(./mvnw -pl kafka-runtime install)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String entry : classpath.split(":")) {
                if (!Files.isRegularFile(Path.of(entry))) {
                    throw new IllegalStateException("Kafka broker jar missing: " + entry
                            + " (run ./mvnw -pl kafka-runtime install to resolve it)");
                }
            }
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitRoundTrip(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited during start-up; see " + dir.resolve("kafka.log"));
            }
            if (FreePorts.isListening(port)) {
                try {
                    roundTrip(bootstrapServers(), Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1)));
                    return;
                } catch (Exception e) {
                    last = e;
                }
            }
            sleep(200);
        }
        throw new IllegalStateException("Kafka on " + bootstrapServers() + " did not complete a produce/consume "
                + "round trip within " + timeout + "; see " + dir.resolve("kafka.log"), last);
    }

    /**
     * Produces one unique record and consumes it back: proof that the broker accepts writes, elects
     * a leader and serves reads, which "port is open" does not show.
     */
    public static void roundTrip(String bootstrapServers, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> common = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        try (Admin admin = Admin.create(common)) {
            try {
                admin.createTopics(List.of(new NewTopic(READY_TOPIC, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        String marker = UUID.randomUUID().toString();
        Properties producerProps = new Properties();
        producerProps.putAll(common);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15000);
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        long offset;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            offset = producer.send(new ProducerRecord<>(READY_TOPIC, marker, marker)).get(15, TimeUnit.SECONDS).offset();
        }
        Properties consumerProps = new Properties();
        consumerProps.putAll(common);
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            TopicPartition partition = new TopicPartition(READY_TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (marker.equals(record.value())) {
                        return;
                    }
                }
            }
        }
        throw new IllegalStateException("produced record " + marker + " was not consumed back before the deadline");
    }

    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(30);
    }
}
