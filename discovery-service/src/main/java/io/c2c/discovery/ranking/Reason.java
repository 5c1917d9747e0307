package io.c2c.discovery.ranking;

/**
 * Why a peer was ranked where it is, best first. The ordinal is the ranking tier: every peer of a
 * better tier comes before every peer of a worse one; inside a tier the RTT estimate decides.
 */
public enum Reason {
    SAME_PREFIX("same-prefix"),
    SAME_ASN("same-asn"),
    SAME_REGION("same-region"),
    SAME_COUNTRY("same-country"),
    RTT_ESTIMATE("rtt-estimate"),
    /** Nothing known about nearness (asker or candidate unknown, no coordinates): spare upload capacity decides. */
    CAPACITY("capacity");

    private static final Reason[] BY_TIER = values();

    private final String wire;

    Reason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Reason ofTier(int tier) {
        return BY_TIER[tier];
    }
}
