package io.c2c.discovery.ranking;

/**
 * The nearness tier of a candidate relative to the asking peer. Attributes are interned ids where
 * 0 means unknown; two unknowns never match, so a peer with no known prefix is never "same-prefix".
 * Pure function, unit-tested without the index.
 */
public final class Nearness {

    private Nearness() {
    }

    /**
     * @param bothHaveCoordinates whether an RTT estimate exists for the pair
     * @return the {@link Reason} ordinal
     */
    public static int tier(int askerPrefix, int prefix, int askerAsn, int asn, int askerRegion, int region,
                           int askerCountry, int country, boolean bothHaveCoordinates) {
        if (askerPrefix != 0 && askerPrefix == prefix) {
            return Reason.SAME_PREFIX.ordinal();
        }
        if (askerAsn != 0 && askerAsn == asn) {
            return Reason.SAME_ASN.ordinal();
        }
        if (askerRegion != 0 && askerRegion == region) {
            return Reason.SAME_REGION.ordinal();
        }
        if (askerCountry != 0 && askerCountry == country) {
            return Reason.SAME_COUNTRY.ordinal();
        }
        return bothHaveCoordinates ? Reason.RTT_ESTIMATE.ordinal() : Reason.CAPACITY.ordinal();
    }
}
