package io.c2c.relay.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Node choice for the ice-servers endpoint (pure logic). */
class NodeSelectorTest {

    static RelayNode node(String id, String region, long allocations, long bps, boolean draining) {
        return new RelayNode(id, "198.51.100." + id.length(), 3478, region, allocations, bps, draining, 0);
    }

    @Test
    void leastLoadedNonDrainingInRegion() {
        List<RelayNode> nodes = List.of(
                node("a", "eu", 5, 0, false),
                node("b", "eu", 1, 0, true),
                node("c", "eu", 2, 0, false),
                node("d", "us", 0, 0, false));
        assertEquals("c", NodeSelector.choose(nodes, "eu").orElseThrow().nodeId());
        assertEquals("d", NodeSelector.choose(nodes, "us").orElseThrow().nodeId());
        assertEquals("d", NodeSelector.choose(nodes, "asia").orElseThrow().nodeId(), "no node there: any region");
        assertEquals("d", NodeSelector.choose(nodes, null).orElseThrow().nodeId());
    }

    @Test
    void tiesBrokenByBandwidthAndNoneWhenAllDrain() {
        assertEquals("y", NodeSelector.choose(List.of(node("x", "eu", 1, 900, false), node("y", "eu", 1, 100, false)),
                "eu").orElseThrow().nodeId());
        assertTrue(NodeSelector.choose(List.of(node("x", "eu", 0, 0, true)), "eu").isEmpty());
        assertTrue(NodeSelector.choose(List.of(), "eu").isEmpty());
    }
}
