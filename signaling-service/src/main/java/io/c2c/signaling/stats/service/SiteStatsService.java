package io.c2c.signaling.stats.service;

import io.c2c.signaling.config.SignalingConfig;
import io.c2c.signaling.protocol.ErrorCode;
import io.c2c.signaling.protocol.ProtocolException;
import io.c2c.signaling.protocol.in.Stats;
import io.c2c.signaling.routing.PodIdentity;
import io.c2c.signaling.session.LocalSessions;
import io.c2c.signaling.session.PeerSession;
import io.c2c.signaling.stats.repository.SiteStatsStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Owner figures: takes visitors' {@code stats} reports (rate-limited per connection), adds them to
 * the site's per-minute counters in Redis and to platform-wide Prometheus counters, counts each
 * site's connected peers on this pod, and reads a site's figures back for the owner API.
 * Prometheus gets no site tag (one series per site would not scale to 100,000 sites); per-site
 * figures come from the owner API.
 */
@ApplicationScoped
public class SiteStatsService {

    private static final Logger LOG = Logger.getLogger(SiteStatsService.class);
    /** Failure reasons the agent sends, as metric tags; anything else is counted as {@code other}. */
    private static final Set<String> KNOWN_REASONS = Set.of("bad-chunk", "store-failed", "store-corrupt", "fetch-failed",
            "signaling-closed", "signal-handling", "resume-failed", "pool-full", "bad-candidate", "stats-unavailable");
    private static final long MINUTE = 60_000;

    private final SiteStatsStore store;
    private final LocalSessions sessions;
    private final PodIdentity identity;
    private final SignalingConfig.OwnerFigures config;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public SiteStatsService(SiteStatsStore store, LocalSessions sessions, PodIdentity identity, SignalingConfig config,
                            MeterRegistry registry) {
        this.store = store;
        this.sessions = sessions;
        this.identity = identity;
        this.config = config.stats();
        this.registry = registry;
    }

    /** One visitor report: refused (rate-limited) when it comes sooner than the configured interval. */
    public Uni<Void> report(PeerSession session, Stats stats) {
        if (!session.statsAllowed(System.nanoTime(), config.minInterval().toNanos())) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED,
                    "one stats report per " + config.minInterval().toSeconds() + " s");
        }
        Map<String, Long> increments = new LinkedHashMap<>();
        increments.put("peerBytes", stats.peerBytes());
        increments.put("originBytes", stats.originBytes());
        increments.put("uploadedBytes", stats.uploadedBytes());
        count("c2c.signaling.visitor.bytes", "source", "peers", stats.peerBytes());
        count("c2c.signaling.visitor.bytes", "source", "origin", stats.originBytes());
        count("c2c.signaling.visitor.bytes", "source", "uploaded", stats.uploadedBytes());
        stats.connections().forEach((type, n) -> {
            increments.put("conn:" + type, n);
            count("c2c.signaling.visitor.connections", "type", type, n);
        });
        stats.failures().forEach((reason, n) -> {
            increments.put("fail:" + reason, n);
            count("c2c.signaling.visitor.failures", "reason", reasonTag(reason), n);
        });
        return store.add(session.site(), System.currentTimeMillis() / MINUTE, increments, config.retention(),
                config.maxFieldsPerMinute());
    }

    static String reasonTag(String reason) {
        if (KNOWN_REASONS.contains(reason)) {
            return reason;
        }
        for (String family : List.of("peer-", "fallback-", "protocol-")) {
            if (reason.startsWith(family)) {
                return family + "*";
            }
        }
        return "other";
    }

    private void count(String name, String tag, String value, long amount) {
        if (amount > 0) {
            counters.computeIfAbsent(name + '\0' + value, k -> Counter.builder(name).tag(tag, value)
                    .description("visitor-reported figures, all sites (per site: the owner API)").register(registry))
                    .increment(amount);
        }
    }

    @Scheduled(every = "${c2c.signaling.stats.online-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void writeOnline() {
        Map<String, Integer> bySite = new HashMap<>();
        for (PeerSession session : sessions.peers()) {
            if (session.welcomed() && !session.connection().isClosed()) {
                bySite.merge(session.site(), 1, Integer::sum);
            }
        }
        try {
            store.online(identity.podId(), bySite, System.currentTimeMillis(), freshness())
                    .await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debugf("peer counts not written: %s", e.getMessage());
        }
    }

    /** A pod's count older than three write intervals is a dead pod's (or a site it no longer serves). */
    private Duration freshness() {
        return config.onlineInterval().multipliedBy(3);
    }

    /** The site's figures over the last {@code minutes} minutes, the current one included. */
    public Uni<SiteStats> read(String siteId, int minutes) {
        long now = System.currentTimeMillis();
        long last = now / MINUTE;
        return store.minutes(siteId, last - minutes + 1, last)
                .chain(perMinute -> store.online(siteId, now, freshness()).map(online -> summarise(siteId, online, minutes, perMinute)));
    }

    static SiteStats summarise(String siteId, long online, int minutes, Map<Long, Map<String, Long>> perMinute) {
        long peer = 0;
        long origin = 0;
        long uploaded = 0;
        Map<String, Long> connections = new TreeMap<>();
        Map<String, Long> failures = new TreeMap<>();
        List<SiteStats.Minute> series = new ArrayList<>(perMinute.size());
        for (Map.Entry<Long, Map<String, Long>> minute : perMinute.entrySet()) {
            Map<String, Long> c = minute.getValue();
            long p = c.getOrDefault("peerBytes", 0L);
            long o = c.getOrDefault("originBytes", 0L);
            long u = c.getOrDefault("uploadedBytes", 0L);
            peer += p;
            origin += o;
            uploaded += u;
            c.forEach((field, value) -> {
                if (field.startsWith("conn:")) {
                    connections.merge(field.substring(5), value, Long::sum);
                } else if (field.startsWith("fail:")) {
                    failures.merge(field.substring(5), value, Long::sum);
                }
            });
            series.add(new SiteStats.Minute(minute.getKey() * MINUTE, p, o, u));
        }
        double share = peer + origin == 0 ? 0 : (double) peer / (peer + origin);
        return new SiteStats(siteId, online, minutes,
                new SiteStats.Totals(peer, origin, uploaded, share, connections, failures), series);
    }
}
