package io.c2c.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus series the services really export, read from their Micrometer registrations in the sources
 * ({@code Gauge.builder("c2c.relay.allocations")} → {@code c2c_relay_allocations}, counters → {@code _total},
 * timers → {@code _seconds_count/_sum/_max/_bucket}). Alerts, autoscalers and dashboards may only use these.
 */
final class MetricCatalog {

    private static final Pattern METER = Pattern.compile(
            "(Gauge|Counter|FunctionCounter|Timer|DistributionSummary)\\.builder\\(\\s*\"(c2c\\.[a-z0-9.]+)\"");
    /** SwarmIndex registers its gauges through a small helper. */
    private static final Pattern GAUGE_HELPER = Pattern.compile("gauge\\(\\s*registry\\s*,\\s*\"(c2c\\.[a-z0-9.]+)\"");
    private static final Pattern SERIES = Pattern.compile("\\bc2c_[a-z0-9_]+");

    private final Set<String> series;

    private MetricCatalog(Set<String> series) {
        this.series = Set.copyOf(series);
    }

    static MetricCatalog fromSources(String... modules) {
        Set<String> series = new HashSet<>();
        for (String module : modules) {
            Path sources = Repo.path(module + "/src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    Matcher m = METER.matcher(text);
                    while (m.find()) {
                        add(series, m.group(1), m.group(2));
                    }
                    Matcher g = GAUGE_HELPER.matcher(text);
                    while (g.find()) {
                        add(series, "Gauge", g.group(1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new MetricCatalog(series);
    }

    private static void add(Set<String> series, String type, String meter) {
        String base = meter.replace('.', '_');
        switch (type) {
            case "Counter", "FunctionCounter" -> series.add(base + "_total");
            case "Timer" -> {
                for (String suffix : new String[] {"_seconds_count", "_seconds_sum", "_seconds_max", "_seconds_bucket"}) {
                    series.add(base + suffix);
                }
            }
            case "DistributionSummary" -> {
                for (String suffix : new String[] {"_count", "_sum", "_max", "_bucket"}) {
                    series.add(base + suffix);
                }
            }
            default -> series.add(base);
        }
    }

    boolean exports(String name) {
        return series.contains(name);
    }

    int size() {
        return series.size();
    }

    /** Every {@code c2c_*} series a PromQL expression uses that no service exports. */
    Set<String> unknownIn(String promql) {
        Set<String> unknown = new HashSet<>();
        Matcher m = SERIES.matcher(promql);
        while (m.find()) {
            if (!series.contains(m.group())) {
                unknown.add(m.group());
            }
        }
        return unknown;
    }
}
