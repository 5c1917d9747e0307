package io.c2c.signaling.site.service;

import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SitesTopic;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private final SiteLog log;
    private final SiteValidator validator;
    private final OwnershipVerifier verifier;
    private final Collector collector;
    private final SitesConfig config;
    private final Set<String> collecting = ConcurrentHashMap.newKeySet();
    private final Semaphore collectSlots;

    public SiteService(SiteLog log, SiteValidator validator, OwnershipVerifier verifier, Collector collector,
                       SitesConfig config) {
        this.log = log;
        this.validator = validator;
        this.verifier = verifier;
        this.collector = collector;
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
        List<Manifest> versions = store().manifestsOf(siteId);
        int keep = Math.max(1, config.collect().retainedManifests());
        for (int i = 0; i < versions.size(); i++) {
            Manifest old = versions.get(i);
            if (i >= keep && !old.manifestId().equals(manifest.manifestId())) {
                log.write(SitesTopic.manifestKey(siteId, old.manifestId()), SitesTopic.TYPE_MANIFEST, null);
            }
        }
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
