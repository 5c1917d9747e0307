package io.c2c.signaling.site.service;

import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SitesTopic;
import io.c2c.contracts.ContractJson;
import io.c2c.signaling.site.IdempotencyRecord;
import io.c2c.signaling.site.Owner;
import io.c2c.signaling.site.SiteRequest;
import io.c2c.signaling.site.collect.CollectResult;
import io.c2c.signaling.site.collect.Collector;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.repository.SiteLog;
import io.c2c.signaling.site.repository.SiteStore;
import io.c2c.signaling.site.rest.ProblemException;
import io.c2c.signaling.site.validation.SiteValidator;
import io.c2c.signaling.site.verify.OwnershipVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Site registration, ownership proof, collect and webhooks. Every change is a new revision of the site's record
 * written to the durable log; it is acknowledged only after Kafka acked it and this pod's view applied it. An owner
 * only ever reaches its own sites: another owner's site answers exactly like a site that does not exist.
 */
@ApplicationScoped
public class SiteService {

    public static final String WEBHOOK_PREFIX = "whk_";
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

    private final SiteLog log;
    private final SiteValidator validator;
    private final OwnershipVerifier verifier;
    private final Collector collector;
    private final ManifestRetention retention;
    private final SitesConfig config;
    private final Set<String> collecting = ConcurrentHashMap.newKeySet();
    private final Semaphore collectSlots;

    public SiteService(SiteLog log, SiteValidator validator, OwnershipVerifier verifier, Collector collector,
                       ManifestRetention retention, SitesConfig config) {
        this.log = log;
        this.validator = validator;
        this.verifier = verifier;
        this.collector = collector;
        this.retention = retention;
        this.config = config;
        this.collectSlots = new Semaphore(config.collect().maxConcurrent());
    }

    private SiteStore store() {
        return log.store();
    }

    public List<SiteRecord> list(Owner owner) {
        return store().sitesOf(owner.ownerId());
    }

    /** The owner's site; 404 when it does not exist or belongs to someone else (no existence oracle). */
    public SiteRecord get(Owner owner, String siteId) {
        return store().site(siteId)
                .filter(site -> site.ownerId().equals(owner.ownerId()))
                .orElseThrow(() -> ProblemException.notFound("site " + safe(siteId)));
    }

    public SiteRecord create(Owner owner, SiteRequest request) {
        SiteValidator.ValidSite valid = valid(request);
        if (store().sitesOf(owner.ownerId()).size() >= config.limits().maxSitesPerOwner()) {
            throw ProblemException.conflict("an owner may register at most " + config.limits().maxSitesPerOwner()
                    + " sites");
        }
        requireNotInOwnSites(owner, null, valid.domains());
        List<DomainClaim> claims = new ArrayList<>();
        for (String domain : valid.domains()) {
            claims.add(new DomainClaim(domain, false, 0, Secrets.token("")));
        }
        SiteRecord site = SiteRecord.of(Secrets.id(), owner.ownerId(), claims, valid.origin(), valid.settings(), null,
                1, System.currentTimeMillis());
        return writeSite(site);
    }

    /** A created site, and whether this answer repeats an earlier one for the same {@code Idempotency-Key}. */
    public record Created(SiteRecord site, boolean replayed) {
    }

    /**
     * Creates a site once per {@code Idempotency-Key} of the owner: a retry (after a timeout, a 503, a lost answer,
     * on any pod) with the same key and the same request gets the same site back; the same key with a different
     * request is refused with 422. The site id is derived from the owner and the key, and the key's record (the
     * request's hash) is written before the site, so a retry always finds what the first attempt got done and a
     * site written twice by racing retries is still one site. Without a key, {@link #create(Owner, SiteRequest)}.
     */
    public Created create(Owner owner, SiteRequest request, String idempotencyKey) {
        if (idempotencyKey == null) {
            return new Created(create(owner, request), false);
        }
        String problem = idempotencyKeyProblem(idempotencyKey);
        if (problem != null) {
            throw ProblemException.invalid("Idempotency-Key", problem);
        }
        SiteValidator.ValidSite valid = valid(request);
        String siteId = Secrets.sha256Hex("c2c-idempotency\u0000" + owner.ownerId() + "\u0000" + idempotencyKey)
                .substring(0, 32);
        String requestHash = Secrets.sha256Hex(new String(ContractJson.toBytes(valid), StandardCharsets.UTF_8));
        long now = System.currentTimeMillis();
        long keyRetention = config.idempotency().retention().toMillis();
        IdempotencyRecord remembered = store().idempotency(siteId)
                .filter(r -> r.ownerId().equals(owner.ownerId()) && r.createdAt() + keyRetention > now).orElse(null);
        Optional<SiteRecord> existing = store().site(siteId);
        if (remembered != null) {
            if (!remembered.requestHash().equals(requestHash)) {
                throw keyReused("this Idempotency-Key was used with a different request");
            }
            if (remembered.siteDeleted()) {
                throw ProblemException.conflict("the site created with this Idempotency-Key was deleted since; "
                        + "use a new key to create another");
            }
            if (existing.isPresent()) {
                return new Created(existing.get(), true);
            }
            // The first attempt recorded the key but its site is not here: write it now (same id).
        } else if (existing.isPresent()) {
            throw keyReused("this Idempotency-Key was used for a site before and is no longer remembered; "
                    + "use a new key");
        }
        if (store().sitesOf(owner.ownerId()).size() >= config.limits().maxSitesPerOwner()) {
            throw ProblemException.conflict("an owner may register at most " + config.limits().maxSitesPerOwner()
                    + " sites");
        }
        requireNotInOwnSites(owner, siteId, valid.domains());
        if (remembered == null) {
            log.write(IdempotencyRecord.key(siteId), IdempotencyRecord.TYPE, IdempotencyRecord.encode(
                    new IdempotencyRecord(siteId, owner.ownerId(), requestHash, now, false)));
            pruneExpiredKeys(owner, now, keyRetention);
        }
        List<DomainClaim> claims = new ArrayList<>();
        for (String domain : valid.domains()) {
            claims.add(new DomainClaim(domain, false, 0, Secrets.token("")));
        }
        SiteRecord site = SiteRecord.of(siteId, owner.ownerId(), claims, valid.origin(), valid.settings(), null, 1,
                now);
        log.write(site.siteId(), SitesTopic.TYPE_SITE, SiteRecord.encode(site));
        SiteRecord applied = store().site(siteId).orElse(null);
        if (site.equals(applied)) {
            return new Created(site, false);
        }
        if (applied != null && applied.ownerId().equals(owner.ownerId()) && sameRequest(applied, valid)) {
            return new Created(applied, true); // a racing retry of the same request wrote it first
        }
        throw keyReused("a concurrent request with this Idempotency-Key and a different body won");
    }

    /** Why {@code key} is not an acceptable Idempotency-Key, or null (1..255 visible ASCII characters). */
    static String idempotencyKeyProblem(String key) {
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            return "must be 1.." + MAX_IDEMPOTENCY_KEY_LENGTH + " characters";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return "must be visible ASCII (a UUID, for example)";
            }
        }
        return null;
    }

    private static ProblemException keyReused(String detail) {
        return new ProblemException(422, "idempotency-key-reused", "Idempotency-Key reused", detail);
    }

    private static boolean sameRequest(SiteRecord site, SiteValidator.ValidSite valid) {
        return site.revision() == 1 && site.domains().stream().map(DomainClaim::name).toList().equals(valid.domains())
                && site.origin().equals(valid.origin()) && site.settings().equals(valid.settings());
    }

    /** Tombstones the owner's keys older than the retention: the topic keeps no key forever. */
    private void pruneExpiredKeys(Owner owner, long now, long keyRetention) {
        for (IdempotencyRecord old : store().idempotencyOf(owner.ownerId())) {
            if (old.createdAt() + keyRetention <= now) {
                log.write(IdempotencyRecord.key(old.siteId()), IdempotencyRecord.TYPE, null);
            }
        }
    }

    /** Replaces domains, origin and settings; domains kept by name keep their proof, new ones get a token. */
    public SiteRecord update(Owner owner, String siteId, SiteRequest request) {
        SiteRecord current = get(owner, siteId);
        SiteValidator.ValidSite valid = valid(request);
        requireNotInOwnSites(owner, siteId, valid.domains());
        Map<String, DomainClaim> existing = new HashMap<>();
        current.domains().forEach(claim -> existing.put(claim.name(), claim));
        List<DomainClaim> claims = new ArrayList<>();
        for (String domain : valid.domains()) {
            DomainClaim kept = existing.get(domain);
            claims.add(kept != null ? kept : new DomainClaim(domain, false, 0, Secrets.token("")));
        }
        return writeSite(next(current, claims, valid.origin(), valid.settings(), current.manifestId(),
                current.webhookSecretHash()));
    }

    public void delete(Owner owner, String siteId) {
        SiteRecord site = get(owner, siteId);
        Optional<IdempotencyRecord> key = store().idempotency(siteId);
        if (key.isPresent() && !key.get().siteDeleted()) {
            // a late retry of the creating request must not bring the site back
            log.write(IdempotencyRecord.key(siteId), IdempotencyRecord.TYPE,
                    IdempotencyRecord.encode(key.get().deleted()));
        }
        for (Manifest manifest : store().manifestsOf(siteId)) {
            log.write(SitesTopic.manifestKey(siteId, manifest.manifestId()), SitesTopic.TYPE_MANIFEST, null);
        }
        log.write(site.siteId(), SitesTopic.TYPE_SITE, null);
    }

    /** Result of {@link #verify}: the site after the checks and what each check found. */
    public record Verification(SiteRecord site, List<OwnershipVerifier.Check> checks) {
    }

    /**
     * Checks every unverified domain of the site. A domain that another site had verified moves to this site
     * only through this fresh proof with this site's own token; the other site's claim is then marked unverified.
     */
    public Verification verify(Owner owner, String siteId) {
        SiteRecord current = get(owner, siteId);
        List<OwnershipVerifier.Check> checks = new ArrayList<>();
        List<DomainClaim> claims = new ArrayList<>();
        List<String> newlyVerified = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (DomainClaim claim : current.domains()) {
            if (claim.verified()) {
                checks.add(new OwnershipVerifier.Check(claim.name(), true, "earlier", "already verified"));
                claims.add(claim);
                continue;
            }
            String token = claim.challenge() != null ? claim.challenge() : Secrets.token("");
            OwnershipVerifier.Check check = claim.challenge() == null
                    ? new OwnershipVerifier.Check(claim.name(), false, null, "a new token was issued; publish it")
                    : verifier.check(claim.name(), token);
            checks.add(check);
            if (check.verified()) {
                claims.add(new DomainClaim(claim.name(), true, now, token));
                newlyVerified.add(claim.name());
            } else {
                claims.add(new DomainClaim(claim.name(), false, 0, token));
            }
        }
        if (claims.equals(current.domains())) {
            return new Verification(current, checks);
        }
        SiteRecord updated = writeSite(next(current, claims, current.origin(), current.settings(),
                current.manifestId(), current.webhookSecretHash()));
        for (String domain : newlyVerified) {
            releaseFromOtherSites(domain, siteId);
        }
        return new Verification(updated, checks);
    }

    /** Issues a new webhook secret for the site (the old one stops working) and returns it; shown once. */
    public String rotateWebhook(Owner owner, String siteId) {
        SiteRecord current = get(owner, siteId);
        String secret = Secrets.token(WEBHOOK_PREFIX);
        writeSite(next(current, current.domains(), current.origin(), current.settings(), current.manifestId(),
                Secrets.sha256Hex(secret)));
        return secret;
    }

    /** The site whose webhook secret this is; 401 for an unknown site or a wrong secret alike. */
    public SiteRecord authenticateWebhook(String siteId, String secret) {
        SiteRecord site = store().site(siteId).orElse(null);
        if (site == null || secret == null || secret.length() > 128 || site.webhookSecretHash() == null
                || !Secrets.sameHash(site.webhookSecretHash(), Secrets.sha256Hex(secret.strip()))) {
            throw ProblemException.unauthorized("a valid webhook secret is required");
        }
        return site;
    }

    public CollectResult collect(Owner owner, String siteId, List<String> paths) {
        return collect(get(owner, siteId), paths);
    }

    /** Collects the site now (bounded), publishes the manifest when any file was collected, prunes old versions. */
    public CollectResult collect(SiteRecord site, List<String> paths) {
        if (site.domains().stream().noneMatch(DomainClaim::verified)) {
            throw ProblemException.conflict("verify at least one domain of the site before collecting it");
        }
        if (paths != null && paths.size() > config.collect().maxFiles()) {
            throw ProblemException.invalid("paths", "at most " + config.collect().maxFiles() + " paths");
        }
        if (!collecting.add(site.siteId())) {
            throw ProblemException.conflict("a collect of this site is already running");
        }
        try {
            if (!collectSlots.tryAcquire()) {
                throw new ProblemException(503, "busy", "Busy", "too many collects are running; retry shortly",
                        null, Map.of("Retry-After", "10"));
            }
            try {
                Collector.Outcome outcome = collector.collect(site.siteId(), site.origin(),
                        site.domains().stream().map(DomainClaim::name).toList(), paths);
                if (outcome.manifest() != null) {
                    publish(site.siteId(), outcome.manifest());
                }
                return outcome.result();
            } finally {
                collectSlots.release();
            }
        } finally {
            collecting.remove(site.siteId());
        }
    }

    public List<Manifest> manifests(Owner owner, String siteId) {
        get(owner, siteId);
        return store().manifestsOf(siteId);
    }

    public Manifest manifest(Owner owner, String siteId, String manifestId) {
        get(owner, siteId);
        return store().manifest(siteId, manifestId)
                .orElseThrow(() -> ProblemException.notFound("manifest " + safe(manifestId)));
    }

    private void publish(String siteId, Manifest manifest) {
        // The manifest first, then the site pointing at it: a reader never sees a pointer to a missing version.
        log.write(SitesTopic.manifestKey(siteId, manifest.manifestId()), SitesTopic.TYPE_MANIFEST,
                Manifest.encode(manifest));
        SiteRecord current = store().site(siteId).orElseThrow(() -> ProblemException.notFound("site " + siteId));
        if (!manifest.manifestId().equals(current.manifestId())) {
            writeSite(next(current, current.domains(), current.origin(), current.settings(), manifest.manifestId(),
                    current.webhookSecretHash()));
        }
        retention.sweep(siteId, System.currentTimeMillis());
    }

    /** Marks {@code domain} unverified on every other site that had it verified. */
    private void releaseFromOtherSites(String domain, String winnerSiteId) {
        for (SiteRecord other : store().sitesClaiming(domain)) {
            if (other.siteId().equals(winnerSiteId)) {
                continue;
            }
            List<DomainClaim> claims = new ArrayList<>();
            boolean changed = false;
            for (DomainClaim claim : other.domains()) {
                if (claim.name().equals(domain) && claim.verified()) {
                    claims.add(new DomainClaim(claim.name(), false, 0, claim.challenge()));
                    changed = true;
                } else {
                    claims.add(claim);
                }
            }
            if (changed) {
                try {
                    writeSite(next(other, claims, other.origin(), other.settings(), other.manifestId(),
                            other.webhookSecretHash()));
                } catch (ProblemException conflict) {
                    // The other site changed meanwhile; the host index already prefers the newer proof.
                }
            }
        }
    }

    private static SiteRecord next(SiteRecord current, List<DomainClaim> claims, String origin,
                                   io.c2c.contracts.site.SiteSettings settings, String manifestId, String webhookHash) {
        return SiteRecord.of(current.siteId(), current.ownerId(), claims, origin, settings, manifestId,
                current.revision() + 1, System.currentTimeMillis(), webhookHash);
    }

    /** Writes and checks that this write, not a concurrent one with the same revision, is what the view holds. */
    private SiteRecord writeSite(SiteRecord site) {
        SiteLog.Written written = log.write(site.siteId(), SitesTopic.TYPE_SITE, SiteRecord.encode(site));
        // The fate of this very record: comparing with the current state would call a taken write a conflict
        // when a later write has already replaced it.
        Boolean accepted = store().siteWriteAccepted(written.partition(), written.offset());
        boolean taken = accepted != null ? accepted : site.equals(store().site(site.siteId()).orElse(null));
        if (!taken) {
            throw ProblemException.conflict("the site was changed concurrently; read it and retry");
        }
        return site;
    }

    private SiteValidator.ValidSite valid(SiteRequest request) {
        SiteValidator.Outcome outcome = validator.validate(request);
        if (!outcome.errors().isEmpty()) {
            throw ProblemException.invalid(outcome.errors());
        }
        return outcome.site();
    }

    private void requireNotInOwnSites(Owner owner, String exceptSiteId, List<String> domains) {
        for (SiteRecord site : store().sitesOf(owner.ownerId())) {
            if (site.siteId().equals(exceptSiteId)) {
                continue;
            }
            for (DomainClaim claim : site.domains()) {
                if (domains.contains(claim.name())) {
                    throw ProblemException.conflict("domain " + claim.name() + " is already part of your site "
                            + site.siteId());
                }
            }
        }
    }

    private static String safe(String id) {
        if (id == null) {
            return "";
        }
        return id.length() > 64 ? id.substring(0, 64) + "..." : id.replaceAll("[^A-Za-z0-9_-]", "?");
    }
}
