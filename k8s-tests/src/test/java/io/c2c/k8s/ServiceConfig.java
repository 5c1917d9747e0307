package io.c2c.k8s;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's production configuration as the manifests run it: its own {@code application.properties} (profile
 * keys like {@code %test.} left out), overridden by the environment the container gets (Quarkus maps
 * {@code c2c.relay.drain-timeout} to {@code C2C_RELAY_DRAIN_TIMEOUT}). The tests compare the manifests with this
 * instead of repeating the services' numbers.
 */
final class ServiceConfig {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    /** A documented but unset key in application.properties: a comment line {@code # some.key=...}. */
    private static final Pattern COMMENTED_KEY = Pattern.compile("^#\\s*([a-z][a-z0-9.-]+)=", Pattern.MULTILINE);
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    private final String module;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final java.util.Set<String> knownEnvironment;

    private ServiceConfig(String module, Map<String, String> properties, Map<String, String> environment,
                          java.util.Set<String> knownEnvironment) {
        this.module = module;
        this.properties = properties;
        this.environment = environment;
        this.knownEnvironment = knownEnvironment;
    }

    /** The module's own properties, read from its sources (src/main/resources/application.properties). */
    static ServiceConfig of(String module) {
        Path file = Repo.path(module + "/src/main/resources/application.properties");
        Properties raw = new Properties();
        String text;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            raw.load(in);
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        Map<String, String> props = new HashMap<>();
        java.util.Set<String> known = new java.util.HashSet<>();
        for (String key : raw.stringPropertyNames()) {
            String plain = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            known.add(envName(plain));
            if (!key.startsWith("%")) {
                props.put(key, raw.getProperty(key));
            }
        }
        Matcher commented = COMMENTED_KEY.matcher(text);
        while (commented.find()) {
            known.add(envName(commented.group(1)));
        }
        Matcher referenced = ENV_REFERENCE.matcher(text);
        while (referenced.find()) {
            known.add(referenced.group(1));
        }
        return new ServiceConfig(module, props, Map.of(), java.util.Set.copyOf(known));
    }

    /**
     * Whether an environment variable names a setting this service documents in its application.properties (set,
     * documented in a comment, or referenced as {@code ${NAME:...}}). Quarkus ignores unknown variables silently,
     * so a misspelt name in a manifest would otherwise go unnoticed.
     */
    boolean documents(String environmentVariable) {
        return knownEnvironment.contains(environmentVariable);
    }

    /** This configuration as a container with these environment variables sees it. */
    ServiceConfig withEnvironment(Map<String, String> env) {
        return new ServiceConfig(module, properties, Map.copyOf(env), knownEnvironment);
    }

    String module() {
        return module;
    }

    /** Quarkus's environment variable name for a property key. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    Optional<String> get(String key) {
        String fromEnv = environment.get(envName(key));
        if (fromEnv != null) {
            return Optional.of(fromEnv);
        }
        String value = properties.get(key);
        return value == null ? Optional.empty() : Optional.of(resolve(value));
    }

    /** A key the service must configure itself (no Quarkus default): missing is an error of the test's assumptions. */
    String require(String key) {
        return get(key).orElseThrow(() -> new IllegalStateException(module + " does not configure " + key));
    }

    /** A key with Quarkus's documented default when the service leaves it unset. */
    String get(String key, String quarkusDefault) {
        return get(key).orElse(quarkusDefault);
    }

    int intValue(String key) {
        return Integer.parseInt(require(key).trim());
    }

    Duration duration(String key) {
        return parseDuration(require(key));
    }

    /** Quarkus duration forms used by the services: {@code 500ms}, {@code 3s}, {@code 10m}, {@code 1h}, bare seconds, ISO-8601. */
    static Duration parseDuration(String text) {
        String value = text.trim();
        if (value.startsWith("P") || value.startsWith("p")) {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** {@code ${ENV:default}} and {@code ${other.key}} as Quarkus expands them, from this configuration. */
    private String resolve(String value) {
        Matcher m = EXPRESSION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = environment.containsKey(name) ? environment.get(name)
                    : get(name).orElse(m.group(2) == null ? "" : m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
