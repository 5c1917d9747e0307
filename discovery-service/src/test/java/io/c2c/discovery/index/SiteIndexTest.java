package io.c2c.discovery.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.event.AssetsAnnounced;
import io.c2c.contracts.event.AssetsWithdrawn;
import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerHeartbeat;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.contracts.event.PeerReported;
import io.c2c.discovery.ranking.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The site index's event semantics (idempotent, order-tolerant, expiring) and its ranking, driven
 * directly with events: the index is plain Java, so these run without Kafka or Quarkus; the same
 * behaviour through the real broker is covered by PeerEventIngestTest.
 */
class SiteIndexTest {

    static final String SITE = "site-1";
    static final String A = hash('a');
    static final String B = hash('b');
    static final long NOW = 1_800_000_000_000L;
    static final IndexLimits LIMITS = new IndexLimits(2, Duration.ofSeconds(30), 1000, 100, 2048);

    static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    static NetworkPosition pos(String prefix, Integer asn, String country, String region) {
        return new NetworkPosition(prefix, asn, country, region);
    }

    static PeerHeartbeat hb(String peer, long at, NetworkPosition network, double x, double y, long cap, long load,
                            String... assets) {
        return PeerHeartbeat.of(SITE, peer, at, "pod-1", network, new Coordinate(List.of(x, y), 1.0, 0.2), cap, load,
                List.of(assets));
    }

    static List<String> ids(List<PeerMatch> matches) {
        return matches.stream().map(PeerMatch::peerId).toList();
    }

    @Test
    void aPeerReportedUpToTheThresholdIsNoLongerRecommendedUntilItComesBackAsAFreshPeer() {
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        for (String peer : List.of("liar", "honest")) {
            index.apply(PeerJoined.of(SITE, peer, NOW, "pod", NetworkPosition.UNKNOWN, 100), NOW);
            index.apply(AssetsAnnounced.of(SITE, peer, NOW, List.of(A)), NOW);
        }
        assertEquals(List.of("honest", "liar"), ids(index.nearPeers(null, A, 5)).stream().sorted().toList());

        // a report about an unknown or departed peer creates nothing
        assertEquals(SiteIndex.Outcome.IGNORED_LATE, index.apply(PeerReported.of(SITE, "ghost", NOW, "honest", "chunk-hash"), NOW));
        assertFalse(index.isLive("ghost"));

        assertEquals(SiteIndex.Outcome.APPLIED, index.apply(PeerReported.of(SITE, "liar", NOW + 1, "honest", "chunk-hash"), NOW));
        assertEquals(2, ids(index.nearPeers(null, A, 5)).size(), "one report is below the default threshold of 2");
        index.apply(PeerReported.of(SITE, "liar", NOW + 2, "other", "chunk-length"), NOW);
        assertEquals(List.of("honest"), ids(index.nearPeers(null, A, 5)));
        assertTrue(index.isLive("liar"), "reported, not evicted: it still counts as online");

        // the same id after a leave is a fresh peer with no reports
        index.apply(PeerLeft.of(SITE, "liar", NOW + 3, "closed"), NOW);
        index.apply(PeerJoined.of(SITE, "liar", NOW + 4, "pod", NetworkPosition.UNKNOWN, 100), NOW);
        index.apply(AssetsAnnounced.of(SITE, "liar", NOW + 4, List.of(A)), NOW);
        assertEquals(List.of("honest", "liar"), ids(index.nearPeers(null, A, 5)).stream().sorted().toList());

        SiteIndex strict = new SiteIndex(SITE, 0, new IndexLimits(2, Duration.ofSeconds(30), 1000, 100, 2048, 1));
        strict.apply(PeerJoined.of(SITE, "liar", NOW, "pod", NetworkPosition.UNKNOWN, 100), NOW);
        strict.apply(AssetsAnnounced.of(SITE, "liar", NOW, List.of(A)), NOW);
        strict.apply(PeerReported.of(SITE, "liar", NOW, "honest", "chunk-hash"), NOW);
        assertEquals(List.of(), strict.nearPeers(null, A, 5), "threshold 1: one report is enough");
    }

    @Test
    void duplicatesChangeNothingAndLateEventsDoNotResurrect() {
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        PeerJoined join = PeerJoined.of(SITE, "p", NOW, "pod", NetworkPosition.UNKNOWN, 100);
        AssetsAnnounced have = AssetsAnnounced.of(SITE, "p", NOW + 1, List.of(A));
        for (int i = 0; i < 3; i++) {
            index.apply(join, NOW);
            index.apply(have, NOW);
        }
        assertEquals(1, index.livePeers());
        assertEquals(1, index.stats().peerAssetEntries());
        assertEquals(List.of("p"), ids(index.nearPeers(null, A, 5)));

        assertEquals(SiteIndex.Outcome.APPLIED, index.apply(PeerLeft.of(SITE, "p", NOW + 10, "closed"), NOW));
        assertEquals(SiteIndex.Outcome.IGNORED_LATE, index.apply(join, NOW));
        assertEquals(SiteIndex.Outcome.IGNORED_LATE, index.apply(have, NOW));
        assertEquals(SiteIndex.Outcome.IGNORED_LATE, index.apply(hb("p", NOW + 9, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A), NOW));
        assertFalse(index.isLive("p"));
        assertEquals(List.of(), index.nearPeers(null, A, 5));
        assertEquals(0, index.stats().assets(), "an asset nobody holds is forgotten");

        // The same id after its leave (a resumed session) is a peer again.
        index.apply(hb("p", NOW + 20, NetworkPosition.UNKNOWN, 0, 0, 100, 0, B), NOW);
        assertTrue(index.isLive("p"));
        assertEquals(List.of("p"), ids(index.nearPeers(null, B, 5)));
    }

    @Test
    void leaveBeforeJoinInDeliveryOrderStillWins() {
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        index.apply(PeerLeft.of(SITE, "p", NOW + 10, "closed"), NOW);
        index.apply(PeerJoined.of(SITE, "p", NOW, "pod", NetworkPosition.UNKNOWN, 100), NOW);
        assertFalse(index.isLive("p"));
        assertEquals(1, index.stats().tombstones());
    }

    @Test
    void anOlderLeaveDoesNotRemoveAPeerSeenSince() {
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        index.apply(hb("p", NOW + 20, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A), NOW);
        assertEquals(SiteIndex.Outcome.IGNORED_LATE, index.apply(PeerLeft.of(SITE, "p", NOW + 5, "closed"), NOW));
        assertTrue(index.isLive("p"));
    }

    @Test
    void heartbeatReplacesTheAssetSetAndOlderDeltasAreIgnored() {
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        index.apply(hb("p", NOW + 10, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A, B), NOW);
        assertEquals(2, index.stats().peerAssetEntries());
        index.apply(AssetsWithdrawn.of(SITE, "p", NOW + 5, List.of(A)), NOW);
        assertEquals(List.of("p"), ids(index.nearPeers(null, A, 5)), "a withdrawal older than the heartbeat is moot");
        index.apply(AssetsWithdrawn.of(SITE, "p", NOW + 11, List.of(A)), NOW);
        assertEquals(List.of(), index.nearPeers(null, A, 5));
        index.apply(hb("p", NOW + 20, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A), NOW);
        assertEquals(List.of("p"), ids(index.nearPeers(null, A, 5)));
        assertEquals(List.of(), index.nearPeers(null, B, 5), "the newer heartbeat no longer lists B");
        index.apply(hb("p", NOW + 15, NetworkPosition.UNKNOWN, 0, 0, 100, 0, B), NOW);
        assertEquals(List.of(), index.nearPeers(null, B, 5), "an older heartbeat changes nothing");
        assertEquals(1, index.stats().peerAssetEntries());
    }

    @Test
    void silentPeersAreEvictedAndTheirTombstonesExpire() {
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        index.apply(hb("old", NOW, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A), NOW);
        index.apply(hb("fresh", NOW + 20_000, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A), NOW + 20_000);
        index.apply(PeerLeft.of(SITE, "gone", NOW + 1, "closed"), NOW);
        assertEquals(1, index.sweep(NOW + 30_500, 1_000));
        assertEquals(List.of("fresh"), ids(index.nearPeers(null, A, 5)));
        assertEquals(1, index.livePeers());
        assertEquals(0, index.stats().tombstones(), "expired tombstones are released");
        assertEquals(SiteIndex.Outcome.IGNORED_LATE,
                index.apply(hb("old", NOW + 1, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A), NOW + 31_000),
                "an event older than the expiry cannot make a peer live");
    }

    @Test
    void sweepIsBoundedPerCall() {
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        for (int i = 0; i < 100; i++) {
            index.apply(hb("p" + i, NOW, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A), NOW);
        }
        assertEquals(10, index.sweep(NOW + 60_000, 10));
        int total = 10;
        while (index.livePeers() > 0) {
            total += index.sweep(NOW + 60_000, 10);
        }
        assertEquals(100, total);
    }

    @Test
    void capacityBoundRefusesNewPeersButKeepsKnownOnes() {
        SiteIndex index = new SiteIndex(SITE, 0, new IndexLimits(2, Duration.ofSeconds(30), 3, 2, 64));
        for (int i = 0; i < 3; i++) {
            assertEquals(SiteIndex.Outcome.APPLIED,
                    index.apply(hb("p" + i, NOW, NetworkPosition.UNKNOWN, 0, 0, 100, 0, A, B, hash('c')), NOW));
        }
        assertEquals(SiteIndex.Outcome.REFUSED_FULL, index.apply(hb("p3", NOW, NetworkPosition.UNKNOWN, 0, 0, 1, 0), NOW));
        assertEquals(3, index.livePeers());
        assertEquals(6, index.stats().peerAssetEntries(), "at most maxAssetsPerPeer assets per peer");
    }

    static Stream<Arguments> rankingCases() {
        NetworkPosition me = pos("10.1.2.0/24", 64500, "DE", "eu-central");
        return Stream.of(
                Arguments.of("tiers: prefix, ASN, region, country, then RTT", me, List.of(
                        hb("far", NOW, pos("192.0.2.0/24", 1, "US", "us-east"), 100, 0, 1000, 0, A),
                        hb("country", NOW, pos("10.9.9.0/24", 3, "DE", "eu-west"), 500, 0, 1000, 0, A),
                        hb("region", NOW, pos("10.8.8.0/24", 2, "FR", "eu-central"), 500, 0, 1000, 0, A),
                        hb("asn", NOW, pos("10.1.3.0/24", 64500, "DE", "eu-central"), 900, 0, 1000, 0, A),
                        hb("prefix", NOW, pos("10.1.2.0/24", 64500, "DE", "eu-central"), 999, 0, 1000, 0, A),
                        hb("near", NOW, pos("198.51.100.0/24", 7, "JP", "ap"), 3, 4, 1000, 0, A)),
                        10, List.of("prefix", "asn", "region", "country", "near", "far"),
                        List.of(Reason.SAME_PREFIX, Reason.SAME_ASN, Reason.SAME_REGION, Reason.SAME_COUNTRY,
                                Reason.RTT_ESTIMATE, Reason.RTT_ESTIMATE)),
                Arguments.of("inside a tier, nearer by RTT first; limit cuts", me, List.of(
                        hb("a20", NOW, pos("10.1.2.0/24", null, null, null), 20, 0, 1000, 0, A),
                        hb("a5", NOW, pos("10.1.2.0/24", null, null, null), 5, 0, 1000, 0, A),
                        hb("a10", NOW, pos("10.1.2.0/24", null, null, null), 10, 0, 1000, 0, A)),
                        2, List.of("a5", "a10"), List.of(Reason.SAME_PREFIX, Reason.SAME_PREFIX)),
                Arguments.of("never a peer at its upload cap, nor one that uploads nothing", me, List.of(
                        hb("full", NOW, me, 1, 0, 1000, 1000, A),
                        hb("over", NOW, me, 1, 0, 1000, 5000, A),
                        hb("none", NOW, me, 1, 0, 0, 0, A),
                        hb("spare", NOW, pos(null, null, null, null), 400, 0, 1000, 999, A)),
                        10, List.of("spare"), List.of(Reason.RTT_ESTIMATE)),
                Arguments.of("only holders of the asset", me, List.of(
                        hb("holdsB", NOW, me, 0, 0, 1000, 0, B),
                        hb("holdsAB", NOW, pos("10.7.0.0/24", null, null, null), 50, 0, 1000, 0, B, A)),
                        10, List.of("holdsAB"), List.of(Reason.RTT_ESTIMATE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rankingCases")
    void ranking(String name, NetworkPosition asker, List<PeerEvent> events, int limit, List<String> expected,
                 List<Reason> reasons) {
        List<PeerEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(name.hashCode()));
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        index.apply(hb("me", NOW, asker, 0, 0, 1000, 0, A), NOW);
        shuffled.forEach(e -> index.apply(e, NOW));
        List<PeerMatch> result = index.nearPeers("me", A, limit);
        assertEquals(expected, ids(result), name);
        assertEquals(reasons, result.stream().map(PeerMatch::reason).toList(), name);
        assertFalse(ids(result).contains("me"), "never the asker");
    }

    @Test
    void rttEstimateIsReportedAndUnknownAskerGetsCapacityOrder() {
        SiteIndex index = new SiteIndex(SITE, 0, LIMITS);
        index.apply(hb("me", NOW, NetworkPosition.UNKNOWN, 0, 0, 1000, 0), NOW);
        index.apply(hb("x", NOW, NetworkPosition.UNKNOWN, 3, 4, 1000, 100, A), NOW);
        index.apply(hb("y", NOW, NetworkPosition.UNKNOWN, 6, 8, 1000, 0, A), NOW);
        List<PeerMatch> mine = index.nearPeers("me", A, 5);
        assertEquals(List.of("x", "y"), ids(mine));
        assertEquals(7.0, mine.get(0).rttEstimateMs(), 1e-9, "|(3,4)| + 1 + 1");
        List<PeerMatch> anonymous = index.nearPeers("stranger", A, 5);
        assertEquals(List.of("y", "x"), ids(anonymous), "unknown asker: most spare capacity first");
        assertNull(anonymous.get(0).rttEstimateMs());
        assertEquals(Reason.CAPACITY, anonymous.get(0).reason());
    }

    @Test
    void hugeSwarmStillFindsSamePrefixPeersThroughTheGroups() {
        IndexLimits small = new IndexLimits(2, Duration.ofSeconds(30), 100_000, 10, 64);
        SiteIndex index = new SiteIndex(SITE, 0, small);
        for (int i = 0; i < 20_000; i++) {
            index.apply(hb("p" + i, NOW, pos("172.16." + (i % 250) + ".0/24", 65000 + i % 50, null, null),
                    i % 100, 0, 1000, 0, A), NOW);
        }
        index.apply(hb("neighbour", NOW, pos("10.1.2.0/24", 1, "DE", null), 500, 500, 1000, 0, A), NOW);
        index.apply(hb("me", NOW, pos("10.1.2.0/24", 1, "DE", null), 0, 0, 1000, 0), NOW);
        // 20,001 holders, only 64 scanned per source: the prefix group still finds the one neighbour.
        List<PeerMatch> result = index.nearPeers("me", A, 5);
        assertEquals("neighbour", result.get(0).peerId());
        assertEquals(Reason.SAME_PREFIX, result.get(0).reason());
        assertEquals(5, result.size());
    }
}
