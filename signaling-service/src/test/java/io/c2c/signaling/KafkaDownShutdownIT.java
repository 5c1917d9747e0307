package io.c2c.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.signaling.support.ServicePod;
import io.c2c.signaling.support.WsClient;
import io.c2c.testing.KafkaBroker;
import io.c2c.testing.TestInfrastructure;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A packaged pod whose Kafka broker went away, with peer events waiting for it, stops on SIGTERM
 * within a bound: the events still waiting are dropped and counted instead of each holding the
 * producer for max.block.ms (a rolling update during a Kafka outage took about 20 s per pod).
 */
class KafkaDownShutdownIT {

    static final String ORIGIN = "https://demo.test";
    /** Well under the ~20 s it took; covers the drain, the shutdown flush and a loaded CI machine. */
    static final Duration STOP_BOUND = Duration.ofSeconds(8);

    @Test
    void sigtermWithKafkaUnreachableExitsWithinTheBoundAndCountsTheDroppedEvents() throws Exception {
        KafkaBroker kafka = TestInfrastructure.kafka();
        Map<String, String> props = new HashMap<>();
        props.put("quarkus.redis.hosts", TestInfrastructure.redis().uri());
        props.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        props.put("c2c.signaling.sites.demo.domains", "demo.test");
        try (ServicePod pod = new ServicePod("kafka-down", TestInfrastructure.root().resolve("pods"), props)) {
            // ready needs the site registry's view, read from Kafka: the broker goes away after the start
            pod.start(Duration.ofSeconds(90));
            kafka.stop();
            try {
                List<WsClient> peers = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    peers.add(WsClient.hello(pod.endpoint(), ORIGIN, "demo"));
                }
                for (WsClient peer : peers) {
                    peer.close(); // a normal close: the peer leaves (PeerLeft)
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                double buffered = 0;
                while (System.nanoTime() < deadline && (buffered = pod.metric("c2c_signaling_events_buffered")) < 6) {
                    Thread.sleep(100);
                }
                assertTrue(buffered >= 6, "joins and leaves wait for the unreachable broker: " + buffered);
                assertEquals(200, pod.readyStatus(), "ready although Kafka is down");

                long start = System.nanoTime();
                pod.terminate();
                long bound = start + Duration.ofSeconds(60).toNanos();
                while (pod.isAlive() && System.nanoTime() < bound) {
                    Thread.sleep(50);
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertFalse(pod.isAlive(), "the pod exits at all");
                String log = Files.readString(pod.log());
                assertTrue(took.compareTo(STOP_BOUND) < 0, "stopped in " + took.toMillis() + " ms, log:\n" + tail(log));
                Matcher dropped = Pattern.compile("dropped (\\d+) peer events at shutdown").matcher(log);
                assertTrue(dropped.find() && Integer.parseInt(dropped.group(1)) > 0,
                        "waiting events dropped and counted:\n" + tail(log));
            } finally {
                kafka.restart(Duration.ofSeconds(60));
            }
        }
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
