package io.c2c.signaling.site;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Declares the site tests' DNS server and origin for every {@code @QuarkusTest} of the module (not restricted to
 * one class, so all tests share one set of resources and Quarkus boots once).
 */
@QuarkusTestResource(value = SitesTestResource.class, restrictToAnnotatedClass = false)
final class SitesInfrastructure {

    private SitesInfrastructure() {
    }
}
