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

    @Test
    void aDrainingNodeRedirectsToAnotherLiveNodeWithAnAddressLiteral() {
        RelayNode self = new RelayNode("self", "198.51.100.1", 3478, "eu", 0, 0, true, 0);
        RelayNode named = new RelayNode("named", "relay.example.com", 3478, "eu", 0, 0, false, 0);
        RelayNode busy = new RelayNode("busy", "198.51.100.2", 3478, "eu", 9, 0, false, 0);
        RelayNode idleV6 = new RelayNode("idle6", "2001:db8::3", 443, "eu", 1, 0, false, 0);
        RelayNode far = new RelayNode("far", "203.0.113.4", 3478, "us", 0, 0, false, 0);
        RelayNode draining = new RelayNode("draining", "198.51.100.5", 3478, "eu", 0, 0, true, 0);
        assertEquals(new java.net.InetSocketAddress("2001:db8::3", 443),
                RelayNodeRegistry.alternateTo(List.of(self, named, busy, idleV6, far, draining), "self", "eu"),
                "same region, least loaded, never itself, a draining node or a name");
        assertEquals(new java.net.InetSocketAddress("203.0.113.4", 3478),
                RelayNodeRegistry.alternateTo(List.of(self, named, far), "self", "eu"), "another region before none");
        assertEquals(null, RelayNodeRegistry.alternateTo(List.of(self, named, draining), "self", "eu"), "nobody: 508");
        for (String text : new String[] {"relay.example.com", "localhost", "1.2.3", "", "::g", null}) {
            assertEquals(null, RelayNodeRegistry.ipLiteral(text), String.valueOf(text));
        }
    }
}
