package io.c2c.signaling.websocket;

import io.c2c.contracts.event.PeerReported;
import io.c2c.net.TokenBucket;
import io.c2c.signaling.event.PeerEventBuffer;
import io.c2c.signaling.protocol.ErrorCode;
import io.c2c.signaling.protocol.ProtocolException;
import io.c2c.signaling.protocol.in.Report;
import io.c2c.signaling.routing.RedisKeys;
import io.c2c.signaling.session.PeerSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handles {@code report}: a peer says another peer of its site sent a bad chunk or broke the data-channel protocol.
 * A report is bounded before it costs anything (per connection: a burst of {@value #BURST}, then one per
 * {@value #SECONDS_PER_REPORT} s, and each peer reported at most once), checked against Redis (the reported peer
 * must be known and of the reporter's site), counted by reason and outcome, and published as {@link PeerReported}
 * so that discovery stops recommending a peer reported often enough. Reports beyond the bounds are dropped
 * silently (counted): the reporter expects no answer, and a lying reporter gains nothing from repeating itself.
 */
@ApplicationScoped
public class PeerReports {

    static final int BURST = 5;
    static final int SECONDS_PER_REPORT = 10;
    /** Peers remembered per connection against duplicates; beyond it the rate bound alone applies. */
    static final int MAX_REMEMBERED = 64;

    /** What became of a report. */
    enum Outcome {
        ACCEPTED, DUPLICATE, LIMITED, UNKNOWN_PEER;

        String tag() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final ReactiveRedisDataSource redis;
    private final PeerEventBuffer events;
    private final Map<String, Map<Outcome, Counter>> counters = new ConcurrentHashMap<>();
    private final Map<String, Reporter> reporters = new ConcurrentHashMap<>();

    public PeerReports(ReactiveRedisDataSource redis, PeerEventBuffer events, MeterRegistry registry) {
        this.redis = redis;
        this.events = events;
        for (String reason : PeerReported.REASONS) {
            Map<Outcome, Counter> byOutcome = new ConcurrentHashMap<>();
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, Counter.builder("c2c.signaling.reports")
                        .description("report messages by reason and outcome (accepted ones are published to discovery)")
                        .tag("reason", reason).tag("outcome", outcome.tag()).register(registry));
            }
            counters.put(reason, byOutcome);
        }
    }

    /** One connection's allowance and the peers it already reported. */
    private static final class Reporter {
        final TokenBucket bucket;
        final Set<String> reported = new HashSet<>();

        Reporter(long now) {
            bucket = new TokenBucket(BURST, 1d / SECONDS_PER_REPORT, now);
        }
    }

    public Uni<Void> report(PeerSession session, Report report) {
        if (report.peerId().equals(session.peerId())) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "peerId: a peer cannot report itself");
        }
        Reporter reporter = reporters.computeIfAbsent(session.connection().id(), id -> new Reporter(System.nanoTime()));
        synchronized (reporter) {
            if (reporter.reported.contains(report.peerId())) {
                count(report, Outcome.DUPLICATE);
                return Uni.createFrom().voidItem();
            }
            if (!reporter.bucket.tryTake(System.nanoTime())) {
                count(report, Outcome.LIMITED);
                return Uni.createFrom().voidItem();
            }
        }
        return redis.execute("HGET", RedisKeys.peer(report.peerId()), "site").invoke(site -> {
            if (site == null || !session.site().equals(site.toString())) {
                count(report, Outcome.UNKNOWN_PEER);
                // the same answer for unknown, gone and other sites' peers: nothing leaks about other sites
                throw new ProtocolException(ErrorCode.PEER_UNAVAILABLE, "no such peer on this site");
            }
            synchronized (reporter) {
                if (reporter.reported.size() < MAX_REMEMBERED) {
                    reporter.reported.add(report.peerId());
                }
            }
            count(report, Outcome.ACCEPTED);
            events.offer(PeerReported.of(session.site(), report.peerId(), System.currentTimeMillis(), session.peerId(),
                    report.reason()));
        }).replaceWithVoid();
    }

    /** Forgets a closed connection's allowance. */
    public void closed(String connectionId) {
        reporters.remove(connectionId);
    }

    private void count(Report report, Outcome outcome) {
        counters.get(report.reason()).get(outcome).increment();
    }
}
