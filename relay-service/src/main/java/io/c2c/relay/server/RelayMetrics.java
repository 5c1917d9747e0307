package io.c2c.relay.server;

import io.c2c.relay.allocation.AllocationManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The relay's Micrometer meters: live allocations, permissions and channels (gauges), packets and
 * bytes relayed each way, requests by method, error answers by code, auth failures and dropped
 * packets by reason. Counters per reason are created once and cached, so the hot path does a
 * map read and an add.
 */
public final class RelayMetrics {

    private final MeterRegistry registry;
    // Hot-path counts are plain adders that Micrometer reads at scrape time.
    private final LongAdder packetsToPeer = new LongAdder();
    private final LongAdder packetsToClient = new LongAdder();
    private final LongAdder bytesToPeer = new LongAdder();
    private final LongAdder bytesToClient = new LongAdder();
    private final Counter allocationsCreated;
    private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Counter> errors = new ConcurrentHashMap<>();

    public RelayMetrics(MeterRegistry registry, AllocationManager allocations) {
        this.registry = registry;
        Gauge.builder("c2c.relay.allocations", allocations, AllocationManager::count)
                .description("Live TURN allocations on this node").register(registry);
        Gauge.builder("c2c.relay.permissions", allocations, AllocationManager::permissions)
                .description("Live permissions across allocations").register(registry);
        Gauge.builder("c2c.relay.channels", allocations, AllocationManager::channels)
                .description("Live channel bindings across allocations").register(registry);
        Gauge.builder("c2c.relay.draining", allocations, a -> a.isDraining() ? 1 : 0)
                .description("1 while the node takes no new allocations").register(registry);
        FunctionCounter.builder("c2c.relay.packets", packetsToPeer, LongAdder::sum).tag("direction", "to_peer")
                .description("Packets relayed").register(registry);
        FunctionCounter.builder("c2c.relay.packets", packetsToClient, LongAdder::sum).tag("direction", "to_client")
                .description("Packets relayed").register(registry);
        FunctionCounter.builder("c2c.relay.bytes", bytesToPeer, LongAdder::sum).tag("direction", "to_peer")
                .baseUnit("bytes").description("Payload bytes relayed").register(registry);
        FunctionCounter.builder("c2c.relay.bytes", bytesToClient, LongAdder::sum).tag("direction", "to_client")
                .baseUnit("bytes").description("Payload bytes relayed").register(registry);
        allocationsCreated = Counter.builder("c2c.relay.allocations.created").register(registry);
    }

    public void toPeer(int bytes) {
        packetsToPeer.increment();
        bytesToPeer.add(bytes);
    }

    public void toClient(int bytes) {
        packetsToClient.increment();
        bytesToClient.add(bytes);
    }

    public void allocationCreated() {
        allocationsCreated.increment();
    }

    public void dropped(String reason) {
        dropped.computeIfAbsent(reason, r -> Counter.builder("c2c.relay.dropped.packets").tag("reason", r)
                .register(registry)).increment();
    }

    public void authFailure(String reason) {
        authFailures.computeIfAbsent(reason, r -> Counter.builder("c2c.relay.auth.failures").tag("reason", r)
                .register(registry)).increment();
    }

    public void request(String method) {
        requests.computeIfAbsent(method, m -> Counter.builder("c2c.relay.requests").tag("method", m)
                .register(registry)).increment();
    }

    public void error(int code) {
        errors.computeIfAbsent(code, c -> Counter.builder("c2c.relay.errors").tag("code", Integer.toString(c))
                .register(registry)).increment();
    }

    /** Count of drops for {@code reason} so far (tests and the admin view read it). */
    public double droppedCount(String reason) {
        Counter c = dropped.get(reason);
        return c == null ? 0 : c.count();
    }

    public double authFailureCount(String reason) {
        Counter c = authFailures.get(reason);
        return c == null ? 0 : c.count();
    }
}
