package io.c2c.signaling.site.repository;

import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SitesTopic;
import io.c2c.signaling.site.IdempotencyRecord;
import io.c2c.signaling.site.Owner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This pod's in-memory view of the {@code sites} topic: sites, owners and manifests, plus the indexes that make a
 * host look-up one map hit. One thread (the topic follower) applies records in log order; any thread reads.
 * Pure logic with no Kafka in it, so it is unit-tested directly.
 *
 * <p>Host index rule: a host maps to the site with a verified claim on it; when several sites hold a verified
 * claim (an owner re-proved a domain that another owner had verified), the most recent proof wins, ties broken
 * by site id, so every pod computes the same answer from the same log.
 */
public final class SiteStore {

    private final Map<String, SiteRecord> sites = new ConcurrentHashMap<>();
    private final Map<String, String> siteByHost = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> sitesByOwner = new ConcurrentHashMap<>();
    private final Map<String, Owner> owners = new ConcurrentHashMap<>();
    private final Map<String, Owner> ownersByKeyHash = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Manifest>> manifestsBySite = new ConcurrentHashMap<>();
    private final Map<String, IdempotencyRecord> idempotency = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> idempotencyByOwner = new ConcurrentHashMap<>();
    // Only touched by the applying thread: host -> (siteId -> verifiedAt) of every verified claim.
    private final Map<String, Map<String, Long>> verifiedClaims = new HashMap<>();
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    // Whether each recent site record was taken or lost to a concurrent write of the same revision, so a writer
    // learns the fate of its own record even when later writes have already replaced it.
    private final Map<Long, Boolean> siteWriteOutcomes = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > 4096;
        }
    };
    private long skipped;

    /**
     * Applies one record of the topic. {@code value == null} is a tombstone. A record that cannot be decoded is
     * counted and skipped: one bad record must never stop the view.
     */
    public synchronized void apply(String key, String type, byte[] value, int partition, long offset) {
        try {
            if (key != null) {
                String effectiveType = type != null ? type : SitesTopic.typeOfKey(key);
                switch (effectiveType) {
                    case SitesTopic.TYPE_SITE -> siteWriteOutcomes.put(position(partition, offset),
                            applySite(key, value == null ? null : SiteRecord.decode(value)));
                    case SitesTopic.TYPE_OWNER -> applyOwner(key.substring(SitesTopic.OWNER_PREFIX.length()),
                            value == null ? null : Owner.decode(value));
                    case SitesTopic.TYPE_MANIFEST -> applyManifest(key, value == null ? null : Manifest.decode(value));
                    case IdempotencyRecord.TYPE -> applyIdempotency(
                            key.substring(IdempotencyRecord.KEY_PREFIX.length()),
                            value == null ? null : IdempotencyRecord.decode(value));
                    default -> skipped++;
                }
            } else {
                skipped++;
            }
        } catch (RuntimeException e) {
            skipped++;
        } finally {
            nextOffsets.merge(partition, offset + 1, Math::max);
            notifyAll();
        }
    }

    /**
     * For a site record this view has applied recently: whether it was taken (true) or lost to a concurrent
     * write of the same revision (false); null when the view does not remember it.
     */
    public synchronized Boolean siteWriteAccepted(int partition, long offset) {
        return siteWriteOutcomes.get(position(partition, offset));
    }

    private static long position(int partition, long offset) {
        return ((long) partition << 48) | offset;
    }

    /** Waits until the record at {@code offset} of {@code partition} has been applied; false on timeout. */
    public synchronized boolean awaitApplied(int partition, long offset, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (nextOffsets.getOrDefault(partition, 0L) <= offset) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    public synchronized long nextOffset(int partition) {
        return nextOffsets.getOrDefault(partition, 0L);
    }

    public synchronized long skippedRecords() {
        return skipped;
    }

    public Optional<SiteRecord> site(String siteId) {
        return siteId == null ? Optional.empty() : Optional.ofNullable(sites.get(siteId));
    }

    /** The site serving {@code host} (already normalized: lowercase ASCII, no port, no trailing dot). */
    public Optional<SiteRecord> siteByHost(String host) {
        String siteId = siteByHost.get(host);
        return siteId == null ? Optional.empty() : Optional.ofNullable(sites.get(siteId));
    }

    public List<SiteRecord> sitesOf(String ownerId) {
        Set<String> ids = sitesByOwner.getOrDefault(ownerId, Set.of());
        List<SiteRecord> result = new ArrayList<>(ids.size());
        for (String id : ids) {
            SiteRecord site = sites.get(id);
            if (site != null) {
                result.add(site);
            }
        }
        result.sort(Comparator.comparing(SiteRecord::siteId));
        return result;
    }

    /** Every site with a claim (verified or not) on {@code domain}. */
    public List<SiteRecord> sitesClaiming(String domain) {
        List<SiteRecord> result = new ArrayList<>();
        for (SiteRecord site : sites.values()) {
            for (DomainClaim claim : site.domains()) {
                if (claim.name().equals(domain)) {
                    result.add(site);
                    break;
                }
            }
        }
        return result;
    }

    public int siteCount() {
        return sites.size();
    }

    public Optional<Owner> owner(String ownerId) {
        return Optional.ofNullable(owners.get(ownerId));
    }

    public Optional<Owner> ownerByKeyHash(String apiKeyHash) {
        return Optional.ofNullable(ownersByKeyHash.get(apiKeyHash));
    }

    public Optional<Manifest> manifest(String siteId, String manifestId) {
        return Optional.ofNullable(manifestsBySite.getOrDefault(siteId, Map.of()).get(manifestId));
    }

    /** The record of the {@code Idempotency-Key} that created (or is creating) site {@code siteId}, if any. */
    public Optional<IdempotencyRecord> idempotency(String siteId) {
        return Optional.ofNullable(idempotency.get(siteId));
    }

    /** Every idempotency record of the owner (for pruning expired ones). */
    public List<IdempotencyRecord> idempotencyOf(String ownerId) {
        List<IdempotencyRecord> result = new ArrayList<>();
        for (String siteId : idempotencyByOwner.getOrDefault(ownerId, Set.of())) {
            IdempotencyRecord record = idempotency.get(siteId);
            if (record != null) {
                result.add(record);
            }
        }
        return result;
    }

    /** Ids of the sites holding more than one manifest version (the candidates for retention). */
    public List<String> sitesWithOldManifests() {
        List<String> result = new ArrayList<>();
        for (Map.Entry<String, Map<String, Manifest>> entry : manifestsBySite.entrySet()) {
            if (entry.getValue().size() > 1) {
                result.add(entry.getKey());
            }
        }
        return result;
    }

    /** The site's stored manifest versions, newest first. */
    public List<Manifest> manifestsOf(String siteId) {
        List<Manifest> result = new ArrayList<>(manifestsBySite.getOrDefault(siteId, Map.of()).values());
        result.sort(Comparator.comparingLong(Manifest::createdAt).reversed().thenComparing(Manifest::manifestId));
        return result;
    }

    /** Applies a site record or tombstone; false when it lost to a concurrent write of the same revision. */
    private boolean applySite(String siteId, SiteRecord site) {
        SiteRecord previous = sites.get(siteId);
        if (site != null && !siteId.equals(site.siteId())) {
            skipped++;
            return false;
        }
        if (site != null && previous != null && site.revision() <= previous.revision()) {
            return false; // a stale or concurrent write lost; the writer notices and reports a conflict
        }
        if (previous != null) {
            unindex(previous);
        }
        if (site == null) {
            sites.remove(siteId);
            return true;
        }
        sites.put(siteId, site);
        index(site);
        return true;
    }

    private void index(SiteRecord site) {
        sitesByOwner.computeIfAbsent(site.ownerId(), o -> ConcurrentHashMap.newKeySet()).add(site.siteId());
        for (DomainClaim claim : site.domains()) {
            if (claim.verified()) {
                verifiedClaims.computeIfAbsent(claim.name(), h -> new HashMap<>()).put(site.siteId(), claim.verifiedAt());
                recomputeHost(claim.name());
            }
        }
    }

    private void unindex(SiteRecord site) {
        Set<String> ownerSites = sitesByOwner.get(site.ownerId());
        if (ownerSites != null) {
            ownerSites.remove(site.siteId());
            if (ownerSites.isEmpty()) {
                sitesByOwner.remove(site.ownerId());
            }
        }
        for (DomainClaim claim : site.domains()) {
            Map<String, Long> claims = verifiedClaims.get(claim.name());
            if (claims != null && claims.remove(site.siteId()) != null) {
                if (claims.isEmpty()) {
                    verifiedClaims.remove(claim.name());
                }
                recomputeHost(claim.name());
            }
        }
    }

    private void recomputeHost(String host) {
        Map<String, Long> claims = verifiedClaims.get(host);
        if (claims == null || claims.isEmpty()) {
            siteByHost.remove(host);
            return;
        }
        String winner = null;
        long winnerAt = Long.MIN_VALUE;
        for (Map.Entry<String, Long> claim : claims.entrySet()) {
            if (claim.getValue() > winnerAt || (claim.getValue() == winnerAt && claim.getKey().compareTo(winner) < 0)) {
                winner = claim.getKey();
                winnerAt = claim.getValue();
            }
        }
        siteByHost.put(host, winner);
    }

    private void applyOwner(String ownerId, Owner owner) {
        Owner previous = owner == null ? owners.remove(ownerId) : owners.put(ownerId, owner);
        if (previous != null) {
            ownersByKeyHash.remove(previous.apiKeyHash());
        }
        if (owner != null) {
            ownersByKeyHash.put(owner.apiKeyHash(), owner);
        }
    }

    private void applyIdempotency(String siteId, IdempotencyRecord record) {
        if (record != null && !record.siteId().equals(siteId)) {
            skipped++;
            return;
        }
        IdempotencyRecord previous = record == null ? idempotency.remove(siteId) : idempotency.put(siteId, record);
        if (previous != null && (record == null || !previous.ownerId().equals(record.ownerId()))) {
            Set<String> ids = idempotencyByOwner.get(previous.ownerId());
            if (ids != null) {
                ids.remove(siteId);
                if (ids.isEmpty()) {
                    idempotencyByOwner.remove(previous.ownerId());
                }
            }
        }
        if (record != null) {
            idempotencyByOwner.computeIfAbsent(record.ownerId(), o -> ConcurrentHashMap.newKeySet()).add(siteId);
        }
    }

    private void applyManifest(String key, Manifest manifest) {
        // key = manifest:<siteId>:<manifestId>
        String rest = key.substring(SitesTopic.MANIFEST_PREFIX.length());
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            skipped++;
            return;
        }
        String siteId = rest.substring(0, colon);
        String manifestId = rest.substring(colon + 1);
        if (manifest == null) {
            Map<String, Manifest> versions = manifestsBySite.get(siteId);
            if (versions != null) {
                versions.remove(manifestId);
                if (versions.isEmpty()) {
                    manifestsBySite.remove(siteId);
                }
            }
            return;
        }
        if (!manifest.siteId().equals(siteId) || !manifest.manifestId().equals(manifestId)) {
            skipped++;
            return;
        }
        manifestsBySite.computeIfAbsent(siteId, s -> new ConcurrentHashMap<>()).put(manifestId, manifest);
    }
}
