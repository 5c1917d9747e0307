package io.c2c.discovery.index;

import io.c2c.contracts.event.PeerEvent;
import io.c2c.discovery.config.DiscoveryConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The site indexes this instance holds: one {@link SiteIndex} per site of the partitions it owns.
 * Written only by the feed's consumer thread (events, eviction sweeps, dropping a revoked
 * partition), read by any query thread.
 */
@ApplicationScoped
public class SwarmIndex {

    private final Map<String, SiteIndex> sites = new ConcurrentHashMap<>();
    private final IndexLimits limits;
    private final int sweepBatch;

    public SwarmIndex(DiscoveryConfig config, MeterRegistry registry) {
        DiscoveryConfig.Index index = config.index();
        this.limits = new IndexLimits(index.vivaldiDimensions(), index.peerExpiry(), index.maxPeersPerSite(),
                index.maxAssetsPerPeer(), config.query().maxScan(), index.reportThreshold());
        this.sweepBatch = index.sweepBatch();
        gauge(registry, "c2c.discovery.index.sites", "Sites indexed by this instance", s -> s.sites.size());
        gauge(registry, "c2c.discovery.index.peers", "Live peers indexed", s -> s.total(SiteIndex.Stats::livePeers));
        gauge(registry, "c2c.discovery.index.tombstones", "Departed peers remembered against late events",
                s -> s.total(SiteIndex.Stats::tombstones));
        gauge(registry, "c2c.discovery.index.assets", "Distinct (site, asset) pairs indexed",
                s -> s.total(SiteIndex.Stats::assets));
        gauge(registry, "c2c.discovery.index.entries", "(peer, asset) entries indexed",
                s -> s.total(st -> st.peerAssetEntries()));
    }

    private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<SwarmIndex> f) {
        Gauge.builder(name, this, f).description(help).register(registry);
    }

    private double total(ToDoubleFunction<SiteIndex.Stats> f) {
        double sum = 0;
        for (SiteIndex site : sites.values()) {
            sum += f.applyAsDouble(site.stats());
        }
        return sum;
    }

    public SiteIndex.Outcome apply(PeerEvent event, int partition, long now) {
        SiteIndex site = sites.computeIfAbsent(event.siteId(), id -> new SiteIndex(id, partition, limits));
        return site.apply(event, now);
    }

    /** The index of {@code siteId}, or null when this instance holds nothing for it. */
    public SiteIndex site(String siteId) {
        return sites.get(siteId);
    }

    /** Forgets every site of {@code partition} (revoked, or about to be rebuilt from the topic). */
    public void dropPartition(int partition) {
        sites.values().removeIf(site -> site.partition() == partition);
    }

    /**
     * One bounded eviction step over the sites of the partitions {@code eligible} accepts; sites left
     * empty are dropped. {@code now} is the time up to which the feed is known to have heard
     * everything. Returns evicted peers.
     */
    public int sweep(long now, java.util.function.IntPredicate eligible) {
        int evicted = 0;
        for (Iterator<SiteIndex> it = sites.values().iterator(); it.hasNext(); ) {
            SiteIndex site = it.next();
            if (!eligible.test(site.partition())) {
                continue;
            }
            evicted += site.sweep(now, sweepBatch);
            SiteIndex.Stats stats = site.stats();
            if (stats.livePeers() == 0 && stats.tombstones() == 0) {
                it.remove();
            }
        }
        return evicted;
    }

    public int livePeers(String siteId) {
        SiteIndex site = sites.get(siteId);
        return site == null ? 0 : site.livePeers();
    }

    public IndexLimits limits() {
        return limits;
    }
}
