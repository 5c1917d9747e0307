package io.c2c.contracts.site;

/**
 * One domain of a site and the state of its ownership proof. Only a verified domain is served
 * peer-to-peer.
 *
 * @param name       the domain in ASCII (IDNs in punycode), lowercase, no trailing dot
 * @param verified   whether the owner proved control of the domain
 * @param verifiedAt epoch milliseconds of the proof, or 0 when not verified
 */
public record DomainClaim(String name, boolean verified, long verifiedAt) {

    public DomainClaim {
        if (name == null || name.isEmpty() || name.length() > 253) {
            throw new IllegalArgumentException("domain name must be 1..253 characters");
        }
    }
}
