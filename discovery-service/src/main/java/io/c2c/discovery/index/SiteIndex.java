package io.c2c.discovery.index;

import io.c2c.contracts.event.AssetsAnnounced;
import io.c2c.contracts.event.AssetsWithdrawn;
import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerHeartbeat;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.contracts.event.PeerReported;
import io.c2c.discovery.ranking.Nearness;
import io.c2c.discovery.ranking.Reason;
import io.c2c.discovery.ranking.TopK;
import io.c2c.discovery.ranking.Vivaldi;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The swarm of one site: live peers with their attributes and, per asset hash, the peers holding
 * it. Peers are int handles into primitive arrays; assets are int ids with a {@link PeerSet} each;
 * attribute groups are intrusive lists ({@link Groups}). One writer (the partition's consumer
 * thread) and many readers (queries) share it through a read-write lock.
 *
 * <p>Order tolerance, per peer: {@code lastSeen} is the newest event time applied; a leave older
 * than that is ignored, and after a leave every event not newer than it is ignored (a late event
 * never resurrects a departed peer). A heartbeat carries the peer's whole state, so it replaces the
 * asset set, and announcements or withdrawals older than the newest heartbeat are ignored (that
 * heartbeat already included them). Duplicates change nothing.
 */
public final class SiteIndex {

    /** What applying one event did. */
    public enum Outcome { APPLIED, IGNORED_LATE, REFUSED_FULL }

    private static final byte FREE = 0;
    private static final byte LIVE = 1;
    private static final byte LEFT = 2;
    private static final int[] NO_ASSETS = new int[0];
    private static final AsnKey[] ASN_KEYS = new AsnKey[4096];

    private final String siteId;
    private final int partition;
    private final IndexLimits limits;
    private final int dims;
    private final long expiryMillis;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // --- peers, by handle ---
    private final StringIntMap peerIndex = new StringIntMap(16);
    private String[] peerIds;
    private byte[] state;
    private long[] lastSeen;
    private long[] attrsAt;
    private long[] snapshotAt;
    private long[] capacity;
    private long[] load;
    /** reports received about the peer (saturating); at the limits' threshold it is not recommended any more */
    private byte[] reports;
    private float[] coords;
    private int[][] peerAssets;
    private int[] freeSlots = new int[16];
    private int freeCount;
    private int highWater;
    private int live;
    private int tombstones;
    private final Groups prefixes;
    private final Groups asns;
    private final Groups regions;
    private final Groups countries;

    // --- assets, by id ---
    private final StringIntMap assetIndex = new StringIntMap(16);
    private String[] assetHashes = new String[16];
    private PeerSet[] holders = new PeerSet[16];
    private int[] freeAssets = new int[16];
    private int freeAssetCount;
    private int assetHighWater;
    private long entries;

    private int sweepCursor;

    public SiteIndex(String siteId, int partition, IndexLimits limits) {
        this.siteId = siteId;
        this.partition = partition;
        this.limits = limits;
        this.dims = limits.dimensions();
        this.expiryMillis = limits.peerExpiry().toMillis();
        int initial = 16;
        peerIds = new String[initial];
        state = new byte[initial];
        lastSeen = new long[initial];
        attrsAt = new long[initial];
        snapshotAt = new long[initial];
        capacity = new long[initial];
        load = new long[initial];
        reports = new byte[initial];
        coords = new float[initial * (dims + 1)];
        peerAssets = new int[initial][];
        prefixes = new Groups(initial);
        asns = new Groups(initial);
        regions = new Groups(initial);
        countries = new Groups(initial);
    }

    public String siteId() {
        return siteId;
    }

    public int partition() {
        return partition;
    }

    // ------------------------------------------------------------------ writes

    /** Applies one event; {@code now} is this instance's clock, used to drop events too old to matter. */
    public Outcome apply(PeerEvent event, long now) {
        lock.writeLock().lock();
        try {
            return applyLocked(event, now);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Outcome applyLocked(PeerEvent event, long now) {
        long t = event.occurredAt();
        if (t < now - expiryMillis) {
            return Outcome.IGNORED_LATE;
        }
        int slot = peerIndex.get(event.peerId());
        if (event instanceof PeerReported) {
            // About the reported peer, not from it: no sign of life, and never a reason to create or revive it.
            if (slot == StringIntMap.MISSING || state[slot] != LIVE) {
                return Outcome.IGNORED_LATE;
            }
            if (reports[slot] < Byte.MAX_VALUE) {
                reports[slot]++;
            }
            return Outcome.APPLIED;
        }
        if (event instanceof PeerLeft) {
            if (slot == StringIntMap.MISSING) {
                // Remember the departure so a late join from before it cannot bring the peer back.
                slot = allocate(event.peerId());
                if (slot < 0) {
                    return Outcome.REFUSED_FULL;
                }
                state[slot] = LEFT;
                lastSeen[slot] = t;
                tombstones++;
                return Outcome.APPLIED;
            }
            if (t < lastSeen[slot] || state[slot] == LEFT) {
                if (state[slot] == LEFT && t > lastSeen[slot]) {
                    lastSeen[slot] = t;
                }
                return Outcome.IGNORED_LATE;
            }
            depart(slot, t);
            return Outcome.APPLIED;
        }
        if (slot == StringIntMap.MISSING) {
            slot = allocate(event.peerId());
            if (slot < 0) {
                return Outcome.REFUSED_FULL;
            }
            state[slot] = LIVE;
            live++;
        } else if (state[slot] == LEFT) {
            if (t <= lastSeen[slot]) {
                return Outcome.IGNORED_LATE;
            }
            // The same peer id came back after its leave (a resumed session): a fresh peer.
            state[slot] = LIVE;
            tombstones--;
            live++;
            attrsAt[slot] = 0;
            snapshotAt[slot] = 0;
            reports[slot] = 0;
        }
        if (t > lastSeen[slot]) {
            lastSeen[slot] = t;
        }
        if (event instanceof PeerHeartbeat hb) {
            if (t >= attrsAt[slot]) {
                attrsAt[slot] = t;
                position(slot, hb.network());
                capacity[slot] = hb.uploadCapacityBytesPerSecond();
                load[slot] = hb.uploadLoadBytesPerSecond();
                coordinate(slot, hb.coordinate());
            }
            if (t >= snapshotAt[slot]) {
                snapshotAt[slot] = t;
                replaceAssets(slot, hb.assets());
            }
        } else if (event instanceof PeerJoined joined) {
            if (t >= attrsAt[slot]) {
                attrsAt[slot] = t;
                position(slot, joined.network());
                capacity[slot] = joined.uploadCapacityBytesPerSecond();
            }
        } else if (event instanceof AssetsAnnounced announced) {
            if (t >= snapshotAt[slot]) {
                for (String hash : announced.assets()) {
                    addAsset(slot, hash);
                }
            }
        } else if (event instanceof AssetsWithdrawn withdrawn) {
            if (t >= snapshotAt[slot]) {
                for (String hash : withdrawn.assets()) {
                    removeAsset(slot, hash);
                }
            }
        }
        return Outcome.APPLIED;
    }

    /**
     * Evicts peers silent for the expiry interval and drops expired tombstones, visiting at most
     * {@code budget} handles per call (so the write lock is never held for a whole million-peer
     * pass); returns how many peers were evicted.
     */
    public int sweep(long now, int budget) {
        lock.writeLock().lock();
        try {
            int evicted = 0;
            long cutoff = now - expiryMillis;
            int visited = 0;
            while (visited < budget && highWater > 0) {
                if (sweepCursor >= highWater) {
                    sweepCursor = 0;
                }
                int slot = sweepCursor++;
                visited++;
                if (state[slot] == LIVE && lastSeen[slot] < cutoff) {
                    depart(slot, lastSeen[slot]);
                    evicted++;
                }
                if (state[slot] == LEFT && lastSeen[slot] < cutoff) {
                    release(slot);
                }
                if (visited >= highWater) {
                    break;
                }
            }
            return evicted;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void depart(int slot, long at) {
        int[] held = peerAssets[slot];
        for (int asset : held) {
            dropHolder(asset, slot);
        }
        entries -= held.length;
        peerAssets[slot] = NO_ASSETS;
        prefixes.remove(slot);
        asns.remove(slot);
        regions.remove(slot);
        countries.remove(slot);
        coords[slot * (dims + 1) + dims] = Float.NaN;
        state[slot] = LEFT;
        lastSeen[slot] = at;
        live--;
        tombstones++;
    }

    private void release(int slot) {
        peerIndex.remove(peerIds[slot]);
        peerIds[slot] = null;
        state[slot] = FREE;
        tombstones--;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private int allocate(String peerId) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (highWater >= limits.maxPeers()) {
                return -1;
            }
            slot = highWater++;
            if (slot >= peerIds.length) {
                grow(Math.min(Math.max(16, peerIds.length * 2), Math.max(limits.maxPeers(), 16)));
            }
        }
        peerIds[slot] = peerId;
        peerIndex.put(peerId, slot);
        lastSeen[slot] = 0;
        attrsAt[slot] = 0;
        snapshotAt[slot] = 0;
        capacity[slot] = 0;
        load[slot] = 0;
        reports[slot] = 0;
        peerAssets[slot] = NO_ASSETS;
        coords[slot * (dims + 1) + dims] = Float.NaN;
        return slot;
    }

    private void grow(int n) {
        peerIds = Arrays.copyOf(peerIds, n);
        state = Arrays.copyOf(state, n);
        lastSeen = Arrays.copyOf(lastSeen, n);
        attrsAt = Arrays.copyOf(attrsAt, n);
        snapshotAt = Arrays.copyOf(snapshotAt, n);
        capacity = Arrays.copyOf(capacity, n);
        reports = Arrays.copyOf(reports, n);
        load = Arrays.copyOf(load, n);
        coords = Arrays.copyOf(coords, n * (dims + 1));
        peerAssets = Arrays.copyOf(peerAssets, n);
        prefixes.growSlots(n);
        asns.growSlots(n);
        regions.growSlots(n);
        countries.growSlots(n);
    }

    private void position(int slot, NetworkPosition network) {
        prefixes.assign(slot, network.prefix());
        asns.assign(slot, network.asn() == null ? null : asnKey(network.asn()));
        regions.assign(slot, network.region());
        countries.assign(slot, network.country());
    }

    /**
     * The group key of an ASN without a new string per event: a small cache shared by every site
     * (entries are immutable records, so a racing reader sees a whole entry or another one).
     */
    private static String asnKey(int asn) {
        int i = asn & (ASN_KEYS.length - 1);
        AsnKey cached = ASN_KEYS[i];
        if (cached != null && cached.asn() == asn) {
            return cached.key();
        }
        AsnKey fresh = new AsnKey(asn, Integer.toString(asn));
        ASN_KEYS[i] = fresh;
        return fresh.key();
    }

    private record AsnKey(int asn, String key) {
    }

    private void coordinate(int slot, Coordinate c) {
        int base = slot * (dims + 1);
        if (c == null || c.vector().isEmpty()) {
            coords[base + dims] = Float.NaN;
            return;
        }
        List<Double> v = c.vector();
        for (int i = 0; i < dims; i++) {
            coords[base + i] = i < v.size() ? v.get(i).floatValue() : 0f;
        }
        coords[base + dims] = (float) c.height();
    }

    private void replaceAssets(int slot, List<String> hashes) {
        int[] old = peerAssets[slot];
        int n = Math.min(hashes.size(), limits.maxAssetsPerPeer());
        int[] fresh = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            fresh[count++] = internAsset(hashes.get(i));
        }
        Arrays.sort(fresh, 0, count);
        count = dedupe(fresh, count);
        fresh = count == fresh.length ? fresh : Arrays.copyOf(fresh, count);
        int universe = peerIds.length;
        // Merge walk: drop what is gone, add what is new; unchanged assets cost nothing.
        int i = 0;
        int j = 0;
        while (i < old.length || j < fresh.length) {
            if (j >= fresh.length || (i < old.length && old[i] < fresh[j])) {
                dropHolder(old[i++], slot);
            } else if (i >= old.length || fresh[j] < old[i]) {
                holders[fresh[j++]].add(slot, universe);
            } else {
                i++;
                j++;
            }
        }
        entries += fresh.length - old.length;
        peerAssets[slot] = fresh.length == 0 ? NO_ASSETS : fresh;
        // Assets interned for this heartbeat but held by nobody (impossible unless deduped) are released.
        for (int k = 0; k < count; k++) {
            releaseAssetIfEmpty(fresh[k]);
        }
    }

    private void addAsset(int slot, String hash) {
        int[] held = peerAssets[slot];
        if (held.length >= limits.maxAssetsPerPeer()) {
            return;
        }
        int asset = internAsset(hash);
        int at = Arrays.binarySearch(held, asset);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        int[] grown = new int[held.length + 1];
        System.arraycopy(held, 0, grown, 0, insert);
        grown[insert] = asset;
        System.arraycopy(held, insert, grown, insert + 1, held.length - insert);
        peerAssets[slot] = grown;
        holders[asset].add(slot, peerIds.length);
        entries++;
    }

    private void removeAsset(int slot, String hash) {
        int asset = assetIndex.get(hash);
        if (asset == StringIntMap.MISSING) {
            return;
        }
        int[] held = peerAssets[slot];
        int at = Arrays.binarySearch(held, asset);
        if (at < 0) {
            return;
        }
        int[] shrunk = held.length == 1 ? NO_ASSETS : new int[held.length - 1];
        System.arraycopy(held, 0, shrunk, 0, at);
        System.arraycopy(held, at + 1, shrunk, at, held.length - at - 1);
        peerAssets[slot] = shrunk;
        dropHolder(asset, slot);
        entries--;
    }

    private void dropHolder(int asset, int slot) {
        holders[asset].remove(slot, peerIds.length);
        releaseAssetIfEmpty(asset);
    }

    private int internAsset(String hash) {
        int id = assetIndex.get(hash);
        if (id != StringIntMap.MISSING) {
            return id;
        }
        id = freeAssetCount > 0 ? freeAssets[--freeAssetCount] : assetHighWater++;
        if (id >= holders.length) {
            holders = Arrays.copyOf(holders, holders.length * 2);
            assetHashes = Arrays.copyOf(assetHashes, assetHashes.length * 2);
        }
        holders[id] = new PeerSet();
        assetHashes[id] = hash;
        assetIndex.put(hash, id);
        return id;
    }

    private void releaseAssetIfEmpty(int asset) {
        PeerSet set = holders[asset];
        if (set != null && set.size() == 0) {
            assetIndex.remove(assetHashes[asset]);
            holders[asset] = null;
            assetHashes[asset] = null;
            if (freeAssetCount == freeAssets.length) {
                freeAssets = Arrays.copyOf(freeAssets, freeAssetCount * 2);
            }
            freeAssets[freeAssetCount++] = asset;
        }
    }

    private static int dedupe(int[] sorted, int n) {
        if (n == 0) {
            return 0;
        }
        int w = 1;
        for (int r = 1; r < n; r++) {
            if (sorted[r] != sorted[w - 1]) {
                sorted[w++] = sorted[r];
            }
        }
        return w;
    }

    // ------------------------------------------------------------------- reads

    /**
     * Up to {@code limit} live peers holding {@code hash}, best first for {@code asker} (which may
     * be null or unknown: then only spare capacity and coordinates-free order apply). Never the
     * asker, never a peer with no spare upload capacity.
     *
     * <p>Exact while the asset has at most {@code maxScan} holders. Beyond that the query walks the
     * asker's prefix, ASN, region and country groups (bounded) and a bounded sample of the holders
     * from a random start, so its cost stays flat for a million-peer swarm: the nearest tiers are
     * still found through the groups, the RTT tier becomes "best of a sample".
     */
    public List<PeerMatch> nearPeers(String asker, String hash, int limit) {
        lock.readLock().lock();
        try {
            int asset = assetIndex.get(hash);
            if (asset == StringIntMap.MISSING || limit <= 0) {
                return List.of();
            }
            PeerSet holding = holders[asset];
            int self = asker == null ? StringIntMap.MISSING : peerIndex.get(asker);
            if (self != StringIntMap.MISSING && state[self] != LIVE) {
                self = StringIntMap.MISSING;
            }
            Query q = new Query(self, limit, holding);
            int maxScan = limits.maxScan();
            if (self != StringIntMap.MISSING && holding.size() > maxScan) {
                Groups[] tiers = {prefixes, asns, regions, countries};
                for (int t = 0; t < tiers.length; t++) {
                    if (q.top.full() && q.top.worstTier() <= t) {
                        break;
                    }
                    tiers[t].scan(tiers[t].groupOf(self), maxScan, q::visitMember);
                }
            }
            if (!(q.top.full() && q.top.worstTier() <= Reason.SAME_COUNTRY.ordinal())) {
                holding.scan(ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE), maxScan, q::visitHolder);
            }
            List<PeerMatch> out = new ArrayList<>(q.top.size());
            for (int i = 0; i < q.top.size(); i++) {
                double rtt = q.top.rtt(i);
                out.add(new PeerMatch(peerIds[q.top.slot(i)], Reason.ofTier(q.top.tier(i)),
                        Double.isNaN(rtt) ? null : Math.round(rtt * 10) / 10.0));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Per-query state: the asker's attributes, the best-so-far list and a small visited set. */
    private final class Query {
        final int self;
        final TopK top;
        final PeerSet holding;
        final PeerSet seen = new PeerSet();
        final int prefix;
        final int asn;
        final int region;
        final int country;

        Query(int self, int limit, PeerSet holding) {
            this.self = self;
            this.top = new TopK(limit, ThreadLocalRandom.current().nextInt() | 1);
            this.holding = holding;
            boolean known = self != StringIntMap.MISSING;
            prefix = known ? prefixes.groupOf(self) : 0;
            asn = known ? asns.groupOf(self) : 0;
            region = known ? regions.groupOf(self) : 0;
            country = known ? countries.groupOf(self) : 0;
        }

        boolean visitMember(int slot) {
            if (holding.contains(slot)) {
                consider(slot);
            }
            return true;
        }

        boolean visitHolder(int slot) {
            consider(slot);
            return true;
        }

        private void consider(int slot) {
            if (slot == self || state[slot] != LIVE || reports[slot] >= limits.reportThreshold()) {
                return;
            }
            long spare = capacity[slot] - load[slot];
            if (spare <= 0 || !seen.add(slot, Integer.MAX_VALUE)) {
                return;
            }
            double rtt = self == StringIntMap.MISSING ? Double.NaN : Vivaldi.rttMillis(coords, self, slot, dims);
            int tier = Nearness.tier(prefix, prefixes.groupOf(slot), asn, asns.groupOf(slot), region,
                    regions.groupOf(slot), country, countries.groupOf(slot), !Double.isNaN(rtt));
            top.offer(slot, tier, rtt, spare);
        }
    }

    // ------------------------------------------------------------------ sizes

    public int livePeers() {
        lock.readLock().lock();
        try {
            return live;
        } finally {
            lock.readLock().unlock();
        }
    }

    public boolean isLive(String peerId) {
        lock.readLock().lock();
        try {
            int slot = peerIndex.get(peerId);
            return slot != StringIntMap.MISSING && state[slot] == LIVE;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A snapshot of this site's sizes. */
    public Stats stats() {
        lock.readLock().lock();
        try {
            return new Stats(live, tombstones, assetIndex.size(), entries);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Sizes of one site index. */
    public record Stats(int livePeers, int tombstones, int assets, long peerAssetEntries) {
    }
}
