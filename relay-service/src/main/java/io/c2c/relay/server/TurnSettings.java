package io.c2c.relay.server;

import java.net.InetAddress;

/**
 * The protocol settings of the TURN server, resolved from configuration once at start.
 *
 * @param bandwidthPerAllocation bytes per second each way per allocation, 0 = unlimited
 */
public record TurnSettings(String software, InetAddress publicAddress, long defaultLifetimeMillis,
                           long maxLifetimeMillis, long permissionLifetimeMillis, long channelLifetimeMillis,
                           long bandwidthPerAllocation) {
}
