package io.c2c.signaling.site.service;

import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SitesTopic;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.repository.SiteLog;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps a superseded manifest version readable while visitors still use it, and deletes it once nobody has for
 * {@code collect.unused-manifest-grace}. The current version is always kept.
 *
 * <p>What counts as use: the bootstrap handing a version out, and an origin-proxy request for a path that only an
 * old version lists (requests for paths of the current version do not depend on old versions). Each pod coalesces
 * these to at most one write per version per {@code collect.manifest-use-interval} into a Redis hash
 * {@code c2c:manifest-use:<siteId>} (field = manifest id, value = last use in epoch ms, expiring after twice the
 * grace), so any pod can decide and no pod keeps state of its own. A version's last use is also never earlier than
 * the moment it was superseded (the next version's creation), so a version nobody asked for still gets the grace.
 * Without Redis the uses are unknown and only that rule applies: the grace then runs from the supersession.
 * {@code collect.retained-manifests} caps the versions kept per site whatever their use, bounding memory.
 */
@ApplicationScoped
public class ManifestRetention {

    private static final Logger LOG = Logger.getLogger(ManifestRetention.class);
    static final String KEY_PREFIX = "c2c:manifest-use:";
    private static final int MAX_COALESCED = 100_000;

    private final SiteLog log;
    private final SitesConfig.Collect config;
    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, Long> hashes;
    private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();

    public ManifestRetention(SiteLog log, SitesConfig config, ReactiveRedisDataSource redis) {
        this.log = log;
        this.config = config.collect();
        this.redis = redis;
        this.hashes = redis.hash(Long.class);
    }

    /** Records that a visitor uses {@code manifestId} of {@code siteId} now; cheap, never blocks, never fails. */
    public void used(String siteId, String manifestId) {
        if (siteId == null || manifestId == null) {
            return;
        }
        long now = System.currentTimeMillis();
        String local = siteId + ':' + manifestId;
        Long previous = lastWritten.get(local);
        if (previous != null && now - previous < config.manifestUseInterval().toMillis()) {
            return;
        }
        if (lastWritten.size() >= MAX_COALESCED) {
            lastWritten.clear(); // a burst of distinct versions: forget and write again, the map stays bounded
        }
        lastWritten.put(local, now);
        String key = KEY_PREFIX + siteId;
        hashes.hset(key, manifestId, now)
                .chain(() -> redis.key().pexpire(key, config.unusedManifestGrace().multipliedBy(2).toMillis()))
                .subscribe().with(ok -> { }, failure -> {
                    lastWritten.remove(local); // try again on the next use
                    LOG.debugf("manifest use of %s not recorded: %s", siteId, failure.getMessage());
                });
    }

    /** Records a use of every non-current version that lists {@code path}, unless the current one lists it. */
    public void usedPath(SiteRecord site, String path) {
        List<Manifest> versions = log.store().manifestsOf(site.siteId());
        for (Manifest manifest : versions) {
            if (manifest.manifestId().equals(site.manifestId()) && lists(manifest, path)) {
                return; // served for the current version: no old version depends on it
            }
        }
        for (Manifest manifest : versions) {
            if (!manifest.manifestId().equals(site.manifestId()) && lists(manifest, path)) {
                used(site.siteId(), manifest.manifestId());
            }
        }
    }

    private static boolean lists(Manifest manifest, String path) {
        return manifest.files().stream().anyMatch(f -> f.path().equals(path));
    }

    /** Deletes the site's versions that are due (tombstones); blocking. Returns the ids deleted. */
    public List<String> sweep(String siteId, long now) {
        SiteRecord site = log.store().site(siteId).orElse(null);
        List<Manifest> versions = log.store().manifestsOf(siteId);
        if (site == null || versions.size() <= 1) {
            return List.of();
        }
        List<String> due = due(versions, site.manifestId(), uses(siteId), now,
                config.unusedManifestGrace().toMillis(), Math.max(1, config.retainedManifests()));
        for (String manifestId : due) {
            log.write(SitesTopic.manifestKey(siteId, manifestId), SitesTopic.TYPE_MANIFEST, null);
            hashes.hdel(KEY_PREFIX + siteId, manifestId).subscribe().with(n -> { }, failure -> { });
        }
        return due;
    }

    /** Every pod sweeps every site with old versions; tombstones are idempotent, so pods need no coordination. */
    @Scheduled(every = "${c2c.sites.collect.retention-sweep-interval}",
            delayed = "${c2c.sites.collect.retention-sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepAll() {
        if (!log.loaded()) {
            return;
        }
        long now = System.currentTimeMillis();
        for (String siteId : log.store().sitesWithOldManifests()) {
            try {
                sweep(siteId, now);
            } catch (RuntimeException e) {
                LOG.warnf("manifest retention of site %s failed (%s); retrying next sweep", siteId,
                        e.getClass().getSimpleName());
                return; // most likely Kafka is away: try everything again next time
            }
        }
    }

    /** Last uses by manifest id, or null when Redis cannot tell (then only supersession times count). */
    private Map<String, Long> uses(String siteId) {
        try {
            return hashes.hgetall(KEY_PREFIX + siteId).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debugf("manifest uses of %s unknown: %s", siteId, e.getMessage());
            return null;
        }
    }

    /**
     * Pure decision: which versions (newest first) are due for deletion at {@code now}. The current one never is;
     * another is kept while its last use (recorded, or its supersession) is within {@code graceMillis}, and while
     * fewer than {@code cap} versions are kept in all (newest first).
     */
    static List<String> due(List<Manifest> newestFirst, String currentId, Map<String, Long> uses, long now,
                            long graceMillis, int cap) {
        List<String> due = new ArrayList<>();
        int kept = currentId != null && newestFirst.stream().anyMatch(m -> m.manifestId().equals(currentId)) ? 1 : 0;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            Manifest manifest = newestFirst.get(i);
            if (manifest.manifestId().equals(currentId) || !seen.add(manifest.manifestId())) {
                continue;
            }
            // Newest and not current: published, pointer not written yet (or lost); treat as in use now.
            long supersededAt = i == 0 ? now : newestFirst.get(i - 1).createdAt();
            Long recorded = uses == null ? null : uses.get(manifest.manifestId());
            long lastUse = Math.max(supersededAt, recorded == null ? Long.MIN_VALUE : recorded);
            if (lastUse > now - graceMillis && kept < cap) {
                kept++;
            } else {
                due.add(manifest.manifestId());
            }
        }
        return due;
    }
}
