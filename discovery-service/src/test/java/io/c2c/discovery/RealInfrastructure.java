package io.c2c.discovery;

import io.c2c.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Every {@code @QuarkusTest} of this module runs against the real Kafka of the test JVM
 * (declared once here, not per class, so Quarkus boots once).
 */
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
final class RealInfrastructure {

    private RealInfrastructure() {
    }
}
