package io.c2c.contracts.site;

/**
 * One domain of a site and the state of its ownership proof. Only a verified domain is served
 * peer-to-peer.
 *
 * @param name       the domain in ASCII (IDNs in punycode), lowercase, no trailing dot
 * @param verified   whether the owner proved control of the domain
 * @param verifiedAt epoch milliseconds of the proof, or 0 when not verified
 * @param challenge  the random token the owner publishes to prove control ({@code _c2c-challenge.<name>} TXT
 *                   record or {@code /.well-known/c2c-challenge}); null in records written before it existed.
 *                   Not a secret: it is meant to be published in public DNS.
 */
public record DomainClaim(String name, boolean verified, long verifiedAt, String challenge) {

    /** Longest challenge token accepted (the platform issues 43-character base64url tokens). */
    public static final int MAX_CHALLENGE_LENGTH = 128;

    public DomainClaim {
        if (name == null || name.isEmpty() || name.length() > 253) {
            throw new IllegalArgumentException("domain name must be 1..253 characters");
        }
        if (challenge != null && (challenge.isEmpty() || challenge.length() > MAX_CHALLENGE_LENGTH)) {
            throw new IllegalArgumentException("challenge must be 1.." + MAX_CHALLENGE_LENGTH + " characters");
        }
    }

    /** A claim without a challenge token (the shape before the token was added). */
    public DomainClaim(String name, boolean verified, long verifiedAt) {
        this(name, verified, verifiedAt, null);
    }
}
