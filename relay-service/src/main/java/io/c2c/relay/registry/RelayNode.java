package io.c2c.relay.registry;

/**
 * A relay node as registered in Redis: where clients reach it, and how loaded it is.
 *
 * @param draining true while the node takes no new allocations (it is about to leave)
 */
public record RelayNode(String nodeId, String publicAddress, int port, String region, long allocations,
                        long relayedBytesPerSecond, boolean draining, long heartbeatAt) {
}
