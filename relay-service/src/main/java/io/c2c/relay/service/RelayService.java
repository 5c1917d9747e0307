package io.c2c.relay.service;

import io.c2c.relay.allocation.AllocationManager;
import io.c2c.relay.allocation.PeerAddressPolicy;
import io.c2c.relay.allocation.RelayPortPool;
import io.c2c.relay.auth.NonceService;
import io.c2c.relay.auth.SourceRateLimiter;
import io.c2c.relay.auth.TurnRestCredentials;
import io.c2c.relay.config.RelayConfig;
import io.c2c.relay.server.RelayMetrics;
import io.c2c.relay.server.TurnServer;
import io.c2c.relay.server.TurnSettings;
import io.c2c.relay.transport.TurnListeners;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.epoll.Epoll;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Owns the relay node's TURN machinery: builds the server from configuration, binds the UDP and
 * TCP listeners on Quarkus's Vert.x event loops at startup, sweeps expired state, and drains on
 * shutdown (no new allocations; existing ones may finish up to the drain timeout).
 */
@ApplicationScoped
public class RelayService {

    private static final Logger LOG = Logger.getLogger(RelayService.class);

    private final RelayConfig config;
    private final Vertx vertx;
    private final TurnRestCredentials credentials;
    private final AllocationManager allocations;
    private final RelayMetrics metrics;
    private final TurnServer server;
    private final AtomicReference<TurnListeners> listeners = new AtomicReference<>();
    private final AtomicReference<TurnListeners> listenersV6 = new AtomicReference<>();
    /** TCP client connections across the IPv4 and IPv6 listeners (bounded by max-tcp-connections). */
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private final AtomicReference<Runnable> drainListener = new AtomicReference<>(() -> { });
    private final boolean epoll;
    private long sweepTimer = -1;

    public RelayService(RelayConfig config, Vertx vertx, MeterRegistry registry) {
        this.config = config;
        this.vertx = vertx;
        this.credentials = new TurnRestCredentials(config.auth().secrets(), config.auth().realm());
        RelayConfig.Relay relay = config.relay();
        InetAddress relayBind = ip(relay.bindAddress().orElse(config.listenAddress()));
        // Relay sockets must be of the kind the event loops run: epoll when Vert.x uses native transport.
        this.epoll = vertx.isNativeTransportEnabled() && Epoll.isAvailable();
        InetAddress relayBindV6 = relay.bindAddressV6().map(a -> ipv6("c2c.relay.relay.bind-address-v6", a)).orElse(null);
        InetAddress publicV6 = config.publicAddressV6().map(a -> ipv6("c2c.relay.public-address-v6", a)).orElse(relayBindV6);
        if (relayBindV6 == null && config.publicAddressV6().isPresent()) {
            LOG.warn("c2c.relay.public-address-v6 is set but c2c.relay.relay.bind-address-v6 is not: IPv6 relaying stays off");
        }
        if (relayBindV6 != null && publicV6.isAnyLocalAddress()) {
            throw new IllegalArgumentException("c2c.relay.public-address-v6 is required when c2c.relay.relay.bind-address-v6 is ::");
        }
        this.allocations = new AllocationManager(config.quota().allocationsPerUser(), config.quota().allocationsPerSite(),
                config.quota().allocationsPerNode(),
                new RelayPortPool(relayBind, relay.minPort(), relay.maxPort(), TurnListeners.datagramChannels(epoll, relayBind)),
                relayBindV6 == null ? null
                        : new RelayPortPool(relayBindV6, relay.minPort(), relay.maxPort(),
                                TurnListeners.datagramChannels(epoll, relayBindV6)),
                a -> { });
        this.metrics = new RelayMetrics(registry, allocations);
        InetAddress publicV4 = ip(config.publicAddress());
        if (!(publicV4 instanceof Inet4Address)) {
            // IPv4 relayed addresses carry it; IPv6 ones take c2c.relay.public-address-v6.
            throw new IllegalArgumentException("c2c.relay.public-address must be an IPv4 literal, got " + config.publicAddress());
        }
        TurnSettings settings = new TurnSettings(config.software(), publicV4,
                relayBindV6 == null ? null : publicV6,
                relay.defaultLifetime().toMillis(), relay.maxLifetime().toMillis(),
                relay.permissionLifetime().toMillis(), relay.channelLifetime().toMillis(),
                config.quota().bandwidthPerAllocation());
        this.server = new TurnServer(allocations, credentials,
                new NonceService(config.auth().nonceLifetime(), Clock.systemUTC()),
                new SourceRateLimiter(config.auth().unauthorizedPerSecond()),
                PeerAddressPolicy.fromConfig(relay.allowedPeers().orElse(List.of())), metrics, settings);
    }

    private static InetAddress ip(String literal) {
        if (!literal.matches("[0-9a-fA-F.:]+")) {
            throw new IllegalArgumentException("an IP literal is required, got " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad IP literal " + literal, e);
        }
    }

    private static InetAddress ipv6(String property, String literal) {
        InetAddress address = ip(literal);
        if (!(address instanceof Inet6Address)) {
            throw new IllegalArgumentException(property + " must be an IPv6 literal, got " + literal);
        }
        return address;
    }

    void onStart(@Observes StartupEvent event) throws InterruptedException {
        if (!config.listenersEnabled()) {
            LOG.info("STUN/TURN listeners disabled by configuration");
            return;
        }
        InetSocketAddress address = new InetSocketAddress(ip(config.listenAddress()), config.listenPort());
        TurnListeners bound = bindListeners(address);
        listeners.set(bound);
        if (config.listenAddressV6().isPresent()) {
            InetAddress v6 = ipv6("c2c.relay.listen-address-v6", config.listenAddressV6().get());
            listenersV6.set(bindV6(new InetSocketAddress(v6, bound.udpAddress().getPort())));
        }
        long interval = Math.max(100, config.relay().sweepInterval().toMillis());
        sweepTimer = vertx.setPeriodic(interval, id -> allocations.sweep(System.currentTimeMillis()));
        LOG.infof("STUN/TURN listening on %s (UDP) and %s (TCP), relay ports %d-%d, %s transport", bound.udpAddress(),
                bound.tcpAddress(), config.relay().minPort(), config.relay().maxPort(), epoll ? "epoll" : "NIO");
        TurnListeners v6 = listenersV6.get();
        if (v6 != null) {
            LOG.infof("STUN/TURN also listening on %s (UDP and TCP)", v6.udpAddress());
        }
        if (allocations.ports(true) != null) {
            LOG.infof("IPv6 relaying on, relayed addresses at %s", server.ipv6PublicAddress());
        }
    }

    /**
     * The IPv6 listeners, on the IPv4 listeners' port; with an ephemeral port configured (tests) another
     * ephemeral port if that number is taken on the IPv6 address.
     */
    private TurnListeners bindV6(InetSocketAddress address) throws InterruptedException {
        try {
            return bindListeners(address);
        } catch (Exception e) {
            if (config.listenPort() != 0) {
                throw e;
            }
            return bindListeners(new InetSocketAddress(address.getAddress(), 0));
        }
    }

    private TurnListeners bindListeners(InetSocketAddress address) throws InterruptedException {
        return TurnListeners.bind(vertx.nettyEventLoopGroup(), epoll, address, server,
                config.relay().maxTcpFrame(), config.relay().tcpIdleTimeout(), config.relay().maxTcpConnections(),
                tcpConnections);
    }

    /** Runs before the registry removes this node: publish draining, then wait for allocations to end. */
    void onStop(@Observes @Priority(100) ShutdownEvent event) {
        drain();
        long deadline = System.currentTimeMillis() + config.drainTimeout().toMillis();
        if (allocations.count() > 0) {
            LOG.infof("draining: waiting up to %s for %d allocations to end", config.drainTimeout(), allocations.count());
        }
        while (allocations.count() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
        allocations.all().forEach(allocations::close);
        for (AtomicReference<TurnListeners> ref : List.of(listeners, listenersV6)) {
            TurnListeners bound = ref.getAndSet(null);
            if (bound != null) {
                bound.close();
            }
        }
    }

    /** Stops new allocations on this node; existing ones continue. Idempotent. */
    public void drain() {
        if (!allocations.isDraining()) {
            allocations.drain();
            LOG.infof("relay node draining with %d live allocations", allocations.count());
            drainListener.get().run();
        }
    }

    /** Calls off an admin drain: the node takes new allocations again. */
    public void resume() {
        if (allocations.isDraining()) {
            allocations.resume();
            LOG.info("relay node takes allocations again");
            drainListener.get().run();
        }
    }

    /** Called once when draining starts (the registry publishes the flag at once). */
    public void onDrain(Runnable listener) {
        drainListener.set(listener);
    }

    public AllocationManager allocations() {
        return allocations;
    }

    public TurnRestCredentials credentials() {
        return credentials;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    /** The bound listeners, or null before start or when disabled. */
    public TurnListeners listeners() {
        return listeners.get();
    }

    /** The IPv6 listeners, or null before start or when {@code c2c.relay.listen-address-v6} is unset. */
    public TurnListeners listenersV6() {
        return listenersV6.get();
    }
}
