package io.c2c.signaling.metrics;

import io.c2c.signaling.protocol.ErrorCode;
import io.c2c.signaling.session.LocalSessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The signaling meters (Prometheus names in docs/signaling-protocol.md): open connections,
 * messages by type and direction, cross-pod deliveries, errors by code, delivery latency.
 * A {@code @Singleton}, injected without a client proxy: it is on every message's path.
 */
@Singleton
public class SignalingMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> inbound = new ConcurrentHashMap<>();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Counter crossPod;
    private final Timer latency;

    public SignalingMetrics(MeterRegistry registry, LocalSessions sessions) {
        this.registry = registry;
        Gauge.builder("c2c.signaling.connections", sessions, LocalSessions::size)
                .description("open WebSocket connections on this pod").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("c2c.signaling.errors").tag("code", code.wire())
                    .description("error messages sent, by code").register(registry));
        }
        this.crossPod = Counter.builder("c2c.signaling.cross.pod.deliveries")
                .description("messages published to another pod's inbox").register(registry);
        this.latency = Timer.builder("c2c.signaling.delivery.latency")
                .description("from receipt at the sender's pod to the write on the target's connection")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** One received message of this type ({@code invalid} for undecodable ones). */
    public void received(String type) {
        inbound.computeIfAbsent(type, t -> Counter.builder("c2c.signaling.messages")
                .tag("direction", "in").tag("type", t).description("messages received, by type")
                .register(registry)).increment();
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    public void crossPod() {
        crossPod.increment();
    }

    /** The routing outcome of one delivery attempt ({@code local}, {@code sent}, {@code buffered}, ...). */
    public void routed(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("c2c.signaling.routes")
                .tag("outcome", o).description("delivery attempts, by routing outcome").register(registry)).increment();
    }

    public void delivered(long sentAtMicros) {
        long micros = nowMicros() - sentAtMicros;
        if (micros >= 0) {
            latency.record(micros, TimeUnit.MICROSECONDS);
        }
    }

    /** Wall-clock microseconds: comparable between pods on synchronised hosts, unlike nanoTime. */
    public static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
