package io.c2c.k8s;

/**
 * The paths Quarkus serves health and metrics on, from a service's configuration: HTTP root path, then the
 * non-application root ({@code q}), then SmallRye Health's root ({@code health}) and its live/ready/started
 * sub-paths. The defaults are Quarkus's; a service that moves them moves the expected probe paths with it.
 */
final class HealthPaths {

    private HealthPaths() {
    }

    static String nonApplicationRoot(ServiceConfig config) {
        String root = trimSlashes(config.get("quarkus.http.root-path", "/"));
        String nonApp = config.get("quarkus.http.non-application-root-path", "q");
        if (nonApp.startsWith("/")) {
            return "/" + trimSlashes(nonApp);
        }
        return (root.isEmpty() ? "" : "/" + root) + "/" + trimSlashes(nonApp);
    }

    static String healthRoot(ServiceConfig config) {
        String health = config.get("quarkus.smallrye-health.root-path", "health");
        return health.startsWith("/") ? "/" + trimSlashes(health) : nonApplicationRoot(config) + "/" + trimSlashes(health);
    }

    /** One of liveness-path, readiness-path, startup-path under the health root. */
    static String sub(ServiceConfig config, String key, String quarkusDefault) {
        return trimSlashes(config.get("quarkus.smallrye-health." + key, quarkusDefault));
    }

    private static String trimSlashes(String s) {
        return s.replaceAll("^/+", "").replaceAll("/+$", "");
    }
}
