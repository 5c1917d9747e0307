package io.c2c.signaling.site.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SitesTopic;
import io.c2c.signaling.site.IdempotencyRecord;
import io.c2c.signaling.site.Owner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pure logic of the in-memory view (no Kafka: records are applied as the follower would). */
class SiteStoreTest {

    private final SiteStore store = new SiteStore();
    private long offset;

    private void put(SiteRecord site) {
        store.apply(site.siteId(), SitesTopic.TYPE_SITE, SiteRecord.encode(site), 0, offset++);
    }

    private static SiteRecord site(String id, String owner, long revision, DomainClaim... claims) {
        return SiteRecord.of(id, owner, List.of(claims), "https://o.example", null, null, revision, 1);
    }

    @Test
    void onlyVerifiedDomainsAreFoundByHost() {
        put(site("s1", "o1", 1, new DomainClaim("a.example", true, 10), new DomainClaim("b.example", false, 0)));

        assertEquals("s1", store.siteByHost("a.example").orElseThrow().siteId());
        assertEquals(Optional.empty(), store.siteByHost("b.example"));
    }

    @Test
    void theNewestProofWinsAndTheOlderClaimTakesOverWhenTheNewerGoes() {
        put(site("s1", "o1", 1, new DomainClaim("a.example", true, 10)));
        put(site("s2", "o2", 1, new DomainClaim("a.example", true, 20)));
        assertEquals("s2", store.siteByHost("a.example").orElseThrow().siteId());

        store.apply("s2", SitesTopic.TYPE_SITE, null, 0, offset++);
        assertEquals("s1", store.siteByHost("a.example").orElseThrow().siteId());

        put(site("s1", "o1", 2, new DomainClaim("a.example", false, 0)));
        assertEquals(Optional.empty(), store.siteByHost("a.example"));
    }

    @Test
    void theFateOfEachSiteRecordIsRememberedEvenAfterLaterWritesReplacedIt() {
        put(site("s1", "o1", 1, new DomainClaim("x.example", false, 0)));
        long taken = offset;
        put(site("s1", "o1", 2, new DomainClaim("a.example", false, 0)));
        long lost = offset;
        put(site("s1", "o1", 2, new DomainClaim("b.example", false, 0)));
        long later = offset;
        put(site("s1", "o1", 3, new DomainClaim("x.example", false, 0)));

        assertEquals(Boolean.TRUE, store.siteWriteAccepted(0, taken), "taken, though revision 3 replaced it since");
        assertEquals(Boolean.FALSE, store.siteWriteAccepted(0, lost), "same revision written second: lost");
        assertEquals(Boolean.TRUE, store.siteWriteAccepted(0, later));
        assertEquals(null, store.siteWriteAccepted(0, offset + 10), "never seen");
    }

    @Test
    void idempotencyRecordsAreIndexedByOwnerReplacedAndTombstoned() {
        String hash = "a".repeat(64);
        IdempotencyRecord first = new IdempotencyRecord("s1", "o1", hash, 10, false);
        store.apply(IdempotencyRecord.key("s1"), IdempotencyRecord.TYPE, IdempotencyRecord.encode(first), 0, offset++);
        store.apply(IdempotencyRecord.key("s2"), IdempotencyRecord.TYPE,
                IdempotencyRecord.encode(new IdempotencyRecord("s2", "o2", hash, 10, false)), 0, offset++);
        assertEquals(first, store.idempotency("s1").orElseThrow());
        assertEquals(List.of(first), store.idempotencyOf("o1"));

        store.apply(IdempotencyRecord.key("s1"), IdempotencyRecord.TYPE, IdempotencyRecord.encode(first.deleted()),
                0, offset++);
        assertTrue(store.idempotency("s1").orElseThrow().siteDeleted());
        store.apply(IdempotencyRecord.key("s1"), IdempotencyRecord.TYPE, null, 0, offset++);
        assertEquals(Optional.empty(), store.idempotency("s1"));
        assertEquals(List.of(), store.idempotencyOf("o1"));
        assertEquals(1, store.idempotencyOf("o2").size());

        // a record stored under another site's key is refused, not indexed
        long skipped = store.skippedRecords();
        store.apply(IdempotencyRecord.key("s9"), IdempotencyRecord.TYPE, IdempotencyRecord.encode(first), 0, offset++);
        store.apply(IdempotencyRecord.key("s8"), IdempotencyRecord.TYPE, "{not json".getBytes(StandardCharsets.UTF_8),
                0, offset++);
        assertEquals(skipped + 2, store.skippedRecords());
        assertEquals(Optional.empty(), store.idempotency("s9"));
    }

    @Test
    void staleRevisionsAreIgnored() {
        put(site("s1", "o1", 2, new DomainClaim("new.example", true, 5)));
        put(site("s1", "o1", 1, new DomainClaim("old.example", true, 5)));

        assertEquals(2, store.site("s1").orElseThrow().revision());
        assertTrue(store.siteByHost("old.example").isEmpty());
    }

    @Test
    void ownersAreFoundByKeyHashAndSitesListedPerOwner() {
        Owner owner = new Owner("o1", "Ada", "a".repeat(64), 1);
        store.apply(SitesTopic.ownerKey("o1"), SitesTopic.TYPE_OWNER, Owner.encode(owner), 0, offset++);
        put(site("s2", "o1", 1, new DomainClaim("x.example", false, 0)));
        put(site("s1", "o1", 1, new DomainClaim("y.example", false, 0)));
        put(site("s3", "o2", 1, new DomainClaim("z.example", false, 0)));

        assertEquals(Optional.of(owner), store.ownerByKeyHash("a".repeat(64)));
        assertEquals(List.of("s1", "s2"), store.sitesOf("o1").stream().map(SiteRecord::siteId).toList());
    }

    @Test
    void manifestsAreKeptPerSiteUntilTombstoned() {
        Manifest m = Manifest.of("b".repeat(64), "s1", 1024, 5, List.of());
        String key = SitesTopic.manifestKey("s1", m.manifestId());
        store.apply(key, SitesTopic.TYPE_MANIFEST, Manifest.encode(m), 0, offset++);
        assertEquals(Optional.of(m), store.manifest("s1", m.manifestId()));

        store.apply(key, SitesTopic.TYPE_MANIFEST, null, 0, offset++);
        assertEquals(Optional.empty(), store.manifest("s1", m.manifestId()));
    }

    @Test
    void undecodableRecordsAreCountedAndSkippedAndOffsetsStillAdvance() throws Exception {
        store.apply("s1", SitesTopic.TYPE_SITE, "{not json".getBytes(StandardCharsets.UTF_8), 0, 0);
        store.apply("s2", "unknown-type", new byte[] {1}, 0, 1);
        store.apply(null, null, new byte[] {1}, 0, 2);

        assertEquals(3, store.skippedRecords());
        assertTrue(store.awaitApplied(0, 2, 10));
        assertFalse(store.awaitApplied(0, 3, 10));
    }
}
