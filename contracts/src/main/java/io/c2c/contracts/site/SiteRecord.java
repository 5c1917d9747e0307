package io.c2c.contracts.site;

import io.c2c.contracts.ContractJson;
import io.c2c.contracts.SchemaVersions;
import io.c2c.contracts.UnsupportedSchemaException;
import java.util.List;

/**
 * A registered site: the value of the compacted {@code sites} topic under key {@link #siteId()}.
 * A deleted site is a tombstone (null value) under its key.
 *
 * @param ownerId    the owner account that registered it; only that owner can read or change it
 * @param origin     where the real files live ({@code http} or {@code https} URL)
 * @param manifestId id of the current manifest version, or null before the first collect
 * @param revision   increases by one with every change, so a reader can ignore stale copies
 * @param updatedAt  epoch milliseconds of the last change
 * @param webhookSecretHash SHA-256 (hex) of the site's collect-webhook secret, or null when no webhook was
 *                   issued; the secret itself is shown to the owner once and never stored
 */
public record SiteRecord(int schemaVersion, String siteId, String ownerId, List<DomainClaim> domains, String origin,
                         SiteSettings settings, String manifestId, long revision, long updatedAt,
                         String webhookSecretHash) {

    public static final String TYPE = "site";

    public SiteRecord {
        SchemaVersions.require(SchemaVersions.SITE_RECORD, schemaVersion, TYPE);
        if (siteId == null || siteId.isEmpty() || ownerId == null || ownerId.isEmpty()) {
            throw new IllegalArgumentException("siteId and ownerId are required");
        }
        if (domains == null || domains.isEmpty()) {
            throw new IllegalArgumentException("a site has at least one domain");
        }
        domains = List.copyOf(domains);
        if (origin == null || !(origin.startsWith("http://") || origin.startsWith("https://"))) {
            throw new IllegalArgumentException("origin must be an http(s) URL");
        }
        settings = settings == null ? SiteSettings.DEFAULTS : settings;
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative");
        }
    }

    /** The record without a webhook secret (the shape before the webhook was added). */
    public SiteRecord(int schemaVersion, String siteId, String ownerId, List<DomainClaim> domains, String origin,
                      SiteSettings settings, String manifestId, long revision, long updatedAt) {
        this(schemaVersion, siteId, ownerId, domains, origin, settings, manifestId, revision, updatedAt, null);
    }

    public static SiteRecord of(String siteId, String ownerId, List<DomainClaim> domains, String origin,
                                SiteSettings settings, String manifestId, long revision, long updatedAt) {
        return new SiteRecord(SchemaVersions.SITE_RECORD, siteId, ownerId, domains, origin, settings, manifestId,
                revision, updatedAt, null);
    }

    public static SiteRecord of(String siteId, String ownerId, List<DomainClaim> domains, String origin,
                                SiteSettings settings, String manifestId, long revision, long updatedAt,
                                String webhookSecretHash) {
        return new SiteRecord(SchemaVersions.SITE_RECORD, siteId, ownerId, domains, origin, settings, manifestId,
                revision, updatedAt, webhookSecretHash);
    }

    public static byte[] encode(SiteRecord site) {
        return ContractJson.toBytes(site);
    }

    /** @throws UnsupportedSchemaException for malformed JSON or an unknown schema version */
    public static SiteRecord decode(byte[] bytes) {
        return ContractJson.fromBytes(bytes, SiteRecord.class);
    }
}
