package io.c2c.relay.registry;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks the relay node for a peer: never a draining one; in the peer's region when one is there
 * (any region otherwise); then the fewest live allocations, then the least relayed bytes/s.
 */
public final class NodeSelector {

    private static final Comparator<RelayNode> LEAST_LOADED = Comparator.comparingLong(RelayNode::allocations)
            .thenComparingLong(RelayNode::relayedBytesPerSecond)
            .thenComparing(RelayNode::nodeId);

    private NodeSelector() {
    }

    public static Optional<RelayNode> choose(List<RelayNode> nodes, String region) {
        List<RelayNode> open = nodes.stream().filter(n -> !n.draining()).toList();
        if (region != null && !region.isBlank()) {
            Optional<RelayNode> near = open.stream().filter(n -> region.equals(n.region())).min(LEAST_LOADED);
            if (near.isPresent()) {
                return near;
            }
        }
        return open.stream().min(LEAST_LOADED);
    }
}
