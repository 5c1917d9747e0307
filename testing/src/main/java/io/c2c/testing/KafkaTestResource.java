package io.c2c.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a Quarkus app under test at the JVM's real Kafka broker. Stopping is left to
 * {@link TestInfrastructure}, because every test class of the JVM shares the broker.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", TestInfrastructure.kafka().bootstrapServers());
    }

    @Override
    public void stop() {
        // shared for the whole JVM; see TestInfrastructure
    }
}
