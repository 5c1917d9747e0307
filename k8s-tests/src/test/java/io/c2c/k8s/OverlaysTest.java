package io.c2c.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every overlay renders with kubectl kustomize, parses strictly and keeps every invariant. */
class OverlaysTest {

    @ParameterizedTest
    @EnumSource(Overlays.class)
    void rendersAndKeepsEveryInvariant(Overlays overlay) {
        List<ObjectNode> objects = overlay.render();
        assertEquals(List.of(), overlay.violations(objects), overlay + " violates invariants");
    }

    @ParameterizedTest
    @EnumSource(Overlays.class)
    void containsThePlatform(Overlays overlay) {
        Set<String> kinds = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        for (ObjectNode o : overlay.render()) {
            kinds.add(o.path("kind").asText());
            names.add(o.path("kind").asText() + "/" + o.path("metadata").path("name").asText());
            if (!o.path("kind").asText().equals("Namespace")) {
                assertEquals("c2c", o.path("metadata").path("namespace").asText(), "namespace of " + o.path("metadata").path("name"));
            }
        }
        assertTrue(kinds.containsAll(Set.of("Namespace", "Deployment", "Service", "Ingress", "ConfigMap", "PodDisruptionBudget",
                "NetworkPolicy", "Kafka", "KafkaNodePool", "KafkaTopic", "ServiceMonitor", "PrometheusRule", "Issuer")), kinds.toString());
        assertTrue(names.containsAll(Set.of("Deployment/signaling", "Deployment/discovery", "Deployment/relay",
                "KafkaTopic/sites", "KafkaTopic/peer-events")), names.toString());
        if (overlay == Overlays.PROD) {
            assertTrue(names.containsAll(Set.of("ScaledObject/signaling", "ScaledObject/discovery", "ScaledObject/relay")), names.toString());
        } else {
            assertTrue(names.contains("Deployment/c2c-redis"), "dev runs its own Redis: " + names);
            assertTrue(kinds.stream().noneMatch("ScaledObject"::equals), "dev has no autoscalers");
        }
    }
}
