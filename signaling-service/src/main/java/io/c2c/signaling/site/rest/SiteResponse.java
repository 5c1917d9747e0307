package io.c2c.signaling.site.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SiteSettings;
import io.c2c.signaling.site.verify.OwnershipVerifier;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A site as its owner sees it, with what to publish to prove each domain. */
@Schema(name = "Site")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SiteResponse(String siteId, List<Domain> domains, String origin, SiteSettings settings,
                           String manifestId, long revision, long updatedAt, boolean webhookConfigured) {

    /** One domain and its proof state. */
    @Schema(name = "SiteDomain")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Domain(String name, boolean verified, Long verifiedAt, Challenge challenge) {
    }

    /** Publish {@code token} as a TXT record at {@code dnsName}, or serve it as the body of {@code wellKnownUrl}. */
    @Schema(name = "DomainChallenge")
    public record Challenge(String token, String dnsName, String dnsType, String wellKnownUrl) {
    }

    public static SiteResponse of(SiteRecord site) {
        List<Domain> domains = site.domains().stream().map(SiteResponse::domain).toList();
        return new SiteResponse(site.siteId(), domains, site.origin(), site.settings(), site.manifestId(),
                site.revision(), site.updatedAt(), site.webhookSecretHash() != null);
    }

    private static Domain domain(DomainClaim claim) {
        Challenge challenge = claim.challenge() == null ? null : new Challenge(claim.challenge(),
                OwnershipVerifier.DNS_LABEL + claim.name(), "TXT",
                "http://" + claim.name() + OwnershipVerifier.WELL_KNOWN_PATH);
        return new Domain(claim.name(), claim.verified(), claim.verified() ? claim.verifiedAt() : null, challenge);
    }
}
