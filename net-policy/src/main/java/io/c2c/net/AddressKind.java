package io.c2c.net;

/**
 * What an IP address is for, as far as reaching it from a service goes (the IANA special-purpose address
 * registries). Everything but {@link #PUBLIC} is refused by {@link AddressPolicy} unless an operator allow-list
 * names it.
 */
public enum AddressKind {
    /** Globally routable unicast. */
    PUBLIC,
    /** {@code 0.0.0.0/8} ("this network"), {@code ::}. */
    UNSPECIFIED,
    /** {@code 127.0.0.0/8}, {@code ::1}. */
    LOOPBACK,
    /** RFC 1918, unique local {@code fc00::/7} (which holds the {@code fd00:ec2::254} metadata address), the old site-local {@code fec0::/10}. */
    PRIVATE,
    /** Carrier-grade NAT, {@code 100.64.0.0/10}. */
    SHARED,
    /** {@code 169.254.0.0/16} (with the {@code 169.254.169.254} cloud metadata address), {@code fe80::/10}. */
    LINK_LOCAL,
    /** {@code 224.0.0.0/4}, {@code ff00::/8}. */
    MULTICAST,
    /** {@code 240.0.0.0/4}, which holds the limited broadcast {@code 255.255.255.255}. */
    RESERVED,
    /** TEST-NET-1/2/3, {@code 2001:db8::/32}, {@code 3fff::/20}. */
    DOCUMENTATION,
    /** {@code 198.18.0.0/15}, {@code 2001:2::/48}. */
    BENCHMARKING,
    /** IETF protocol assignments {@code 192.0.0.0/24}, discard-only {@code 100::/64}, ORCHID {@code 2001:10::/28} and {@code 2001:20::/28}. */
    PROTOCOL,
    /** Transition mechanisms that reach somewhere else: Teredo {@code 2001::/32}, the 6to4 relay anycast {@code 192.88.99.0/24}, local-use NAT64 {@code 64:ff9b:1::/48}. */
    TRANSITION
}
