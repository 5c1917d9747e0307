package io.c2c.relay;

import io.c2c.testing.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Every {@code @QuarkusTest} of this module runs against the real Redis of the test JVM
 * (declared once here, not per class, so Quarkus boots once).
 */
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = false)
final class RealInfrastructure {

    private RealInfrastructure() {
    }
}
