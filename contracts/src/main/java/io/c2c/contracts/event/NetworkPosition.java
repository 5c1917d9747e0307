package io.c2c.contracts.event;

/**
 * Coarse network position of a peer, as much as the signaling pod knows. Every field is optional.
 *
 * @param prefix  the peer's address prefix (IPv4 /24 or IPv6 /48 in CIDR form), never the full address
 * @param asn     autonomous system number, when known
 * @param country ISO 3166-1 alpha-2 code, when known
 * @param region  platform region name (e.g. the pod's region), when known
 */
public record NetworkPosition(String prefix, Integer asn, String country, String region) {

    public static final NetworkPosition UNKNOWN = new NetworkPosition(null, null, null, null);
}
