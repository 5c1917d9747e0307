package io.c2c.relay.server;

import java.net.InetAddress;

/**
 * The protocol settings of the TURN server, resolved from configuration once at start.
 *
 * @param publicAddress          the IPv4 address of IPv4 relayed transport addresses
 * @param publicAddressV6        the IPv6 address of IPv6 relayed transport addresses (RFC 6156), null when
 *                               IPv6 relaying is off
 * @param bandwidthPerAllocation bytes per second each way per allocation, 0 = unlimited
 */
public record TurnSettings(String software, InetAddress publicAddress, InetAddress publicAddressV6,
                           long defaultLifetimeMillis, long maxLifetimeMillis, long permissionLifetimeMillis,
                           long channelLifetimeMillis, long bandwidthPerAllocation) {

    /** IPv4-only settings. */
    public TurnSettings(String software, InetAddress publicAddress, long defaultLifetimeMillis, long maxLifetimeMillis,
                        long permissionLifetimeMillis, long channelLifetimeMillis, long bandwidthPerAllocation) {
        this(software, publicAddress, null, defaultLifetimeMillis, maxLifetimeMillis, permissionLifetimeMillis,
                channelLifetimeMillis, bandwidthPerAllocation);
    }
}
