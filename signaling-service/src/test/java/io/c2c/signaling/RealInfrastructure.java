package io.c2c.signaling;

import io.c2c.testing.KafkaTestResource;
import io.c2c.testing.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Every {@code @QuarkusTest} of this module runs against the real Redis and Kafka of the test JVM
 * (declared once here, not per class, so Quarkus boots once).
 */
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
final class RealInfrastructure {

    private RealInfrastructure() {
    }
}
