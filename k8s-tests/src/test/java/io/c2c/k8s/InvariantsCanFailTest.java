package io.c2c.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each invariant reports a broken manifest: a rendered overlay is copied, one thing is broken in the copy, and the
 * check must name that thing. (OverlaysTest shows the unbroken overlays pass, so each message here comes from the
 * mutation alone.)
 */
class InvariantsCanFailTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // ------------------------------------------------------------ probes, resources, ports

    @Test
    void missingReadinessProbe() {
        expect(Overlays.PROD, o -> container(o, "signaling").remove("readinessProbe"),
                "Deployment signaling container signaling: readinessProbe missing");
    }

    @Test
    void missingStartupProbe() {
        expect(Overlays.DEV, o -> container(o, "discovery").remove("startupProbe"), "startupProbe missing");
    }

    @Test
    void probeOnAPathTheServiceDoesNotServe() {
        expect(Overlays.PROD, o -> ((ObjectNode) container(o, "relay").at("/livenessProbe/httpGet")).put("path", "/q/health"),
                "livenessProbe path /q/health is not the service's /q/health/live");
    }

    @Test
    void probeOnAnotherPort() {
        expect(Overlays.PROD, o -> ((ObjectNode) container(o, "signaling").at("/readinessProbe/httpGet")).put("port", 9999),
                "readinessProbe port");
    }

    @Test
    void missingResources() {
        expect(Overlays.PROD, o -> container(o, "discovery").remove("resources"), "resources.requests needs cpu and memory");
    }

    @Test
    void containerPortNotTheConfiguredHttpPort() {
        expect(Overlays.PROD, o -> ((ObjectNode) container(o, "signaling").at("/ports/0")).put("containerPort", 8081),
                "containerPorts [8081/TCP] differ from the service's configured ports [8080/TCP]");
    }

    @Test
    void relayWithoutItsUdpTurnPort() {
        expect(Overlays.PROD, o -> ((ArrayNode) container(o, "relay").get("ports")).remove(1),
                "differ from the service's configured ports [3478/TCP, 3478/UDP, 8070/TCP]");
    }

    @Test
    void environmentOverridesAreTheConfigurationCompared() {
        // QUARKUS_HTTP_PORT moves the service's port: the declared containerPort is then wrong.
        expect(Overlays.PROD, o -> ((ArrayNode) container(o, "discovery").get("env"))
                        .add(JSON.createObjectNode().put("name", "QUARKUS_HTTP_PORT").put("value", "9090")),
                "containerPorts [8090/TCP] differ from the service's configured ports [9090/TCP]");
    }

    @Test
    void writableRootFilesystem() {
        expect(Overlays.DEV, o -> ((ObjectNode) container(o, "relay").get("securityContext")).put("readOnlyRootFilesystem", false),
                "readOnlyRootFilesystem is not set");
    }

    @Test
    void misspeltSettingInAConfigMap() {
        expect(Overlays.PROD, o -> ((ObjectNode) configMap(o, "signaling-config").get("data"))
                        .put("C2C_SIGNALING_RELAY_ULR", "http://relay-api:8070"),
                "C2C_SIGNALING_RELAY_ULR is not a setting signaling-service documents");
    }

    @Test
    void serviceTargetingAPortThePodsDoNotHave() {
        expect(Overlays.DEV, o -> ((ObjectNode) find(o, "Service", "discovery").at("/spec/ports/0")).put("targetPort", "metrics"),
                "Service discovery: targetPort metrics is not a container port of discovery");
    }

    @Test
    void ingressToAServiceThatDoesNotExist() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "Ingress", "signaling").at("/spec/rules/1/http/paths/0/backend/service"))
                        .put("name", "frontdoor"),
                "Ingress signaling: backend Service frontdoor does not exist");
    }

    // ------------------------------------------------------------ drain

    @Test
    void relayGracePeriodShorterThanItsDrain() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "Deployment", "relay").at("/spec/template/spec"))
                        .put("terminationGracePeriodSeconds", 60),
                "terminationGracePeriodSeconds 60 < preStop + drain [c2c.relay.drain-timeout] + shutdown margin = 7210 s");
    }

    @Test
    void drainTimeoutFromTheConfigMapCounts() {
        expect(Overlays.PROD, o -> ((ObjectNode) configMap(o, "relay-config").get("data")).put("C2C_RELAY_DRAIN_TIMEOUT", "9000s"),
                "terminationGracePeriodSeconds 7230 < preStop + drain [c2c.relay.drain-timeout] + shutdown margin = 9010 s");
    }

    @Test
    void signalingPreStopLongerThanItsGracePeriod() {
        expect(Overlays.PROD, o -> ((ObjectNode) container(o, "signaling").at("/lifecycle/preStop/sleep")).put("seconds", 25),
                "terminationGracePeriodSeconds 30 < preStop + drain [c2c.signaling.drain-delay, c2c.signaling.drain-timeout, "
                        + "c2c.signaling.event-shutdown-flush-timeout]");
    }

    // ------------------------------------------------------------ PDBs, policies

    @Test
    void workloadWithoutPdb() {
        expect(Overlays.PROD, o -> o.remove(find(o, "PodDisruptionBudget", "relay")),
                "Deployment relay: no PodDisruptionBudget selects its pods");
    }

    @Test
    void pdbSelectingOtherPods() {
        expect(Overlays.DEV, o -> ((ObjectNode) find(o, "PodDisruptionBudget", "discovery").at("/spec/selector/matchLabels"))
                        .put("app.kubernetes.io/name", "discovery-old"),
                "Deployment discovery: no PodDisruptionBudget selects its pods");
    }

    @Test
    void workloadWithoutNetworkPolicy() {
        expect(Overlays.PROD, o -> o.remove(find(o, "NetworkPolicy", "discovery")),
                "Deployment discovery: no NetworkPolicy of its own selects its pods");
    }

    @Test
    void ingressNamespaceReachingDiscovery() {
        expect(Overlays.PROD, o -> ((ArrayNode) find(o, "NetworkPolicy", "discovery").at("/spec/ingress/0/from"))
                        .add(JSON.createObjectNode().set("namespaceSelector", JSON.createObjectNode().set("matchLabels",
                                JSON.createObjectNode().put("kubernetes.io/metadata.name", "ingress-nginx")))),
                "NetworkPolicy discovery: lets the ingress namespace reach discovery; only signaling may be");
    }

    @Test
    void relayEgressReachingClusterAddresses() {
        expect(Overlays.PROD, o -> {
            ArrayNode except = (ArrayNode) find(o, "NetworkPolicy", "relay").at("/spec/egress/2/to/0/ipBlock/except");
            except.remove(0);
        }, "relay egress to 0.0.0.0/0 does not exclude the cluster-internal 10.0.0.0/8");
    }

    @Test
    void relayEgressRuleWithoutDestination() {
        expect(Overlays.PROD, o -> ((ArrayNode) find(o, "NetworkPolicy", "relay").at("/spec/egress"))
                        .add(JSON.createObjectNode().set("ports", JSON.createArrayNode()
                                .add(JSON.createObjectNode().put("protocol", "TCP").put("port", 443)))),
                "a relay egress rule without 'to' reaches cluster-internal addresses");
    }

    @Test
    void relayPortRangeNotTheServicesRange() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "NetworkPolicy", "relay").at("/spec/ingress/0/ports/2")).put("endPort", 65000),
                "port range 49152-65000/UDP differs from relay-service's relay ports 49152-65535/UDP");
    }

    // ------------------------------------------------------------ secrets

    @Test
    void secretWithAValue() {
        expect(Overlays.DEV, o -> o.add(parse("""
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"c2c-turn","namespace":"c2c"},
                 "stringData":{"secrets":"hunter2hunter2hunter2"}}""")), "Secret c2c-turn: holds values");
    }

    @Test
    void literalSecretInTheEnvironment() {
        expect(Overlays.PROD, o -> {
            for (JsonNode env : container(o, "relay").get("env")) {
                if (env.path("name").asText().equals("C2C_RELAY_AUTH_SECRETS")) {
                    ((ObjectNode) env).remove("valueFrom");
                    ((ObjectNode) env).put("value", "a-secret-in-git-0123456789");
                }
            }
        }, "C2C_RELAY_AUTH_SECRETS has a literal value");
    }

    @Test
    void secretInAConfigMap() {
        expect(Overlays.PROD, o -> ((ObjectNode) configMap(o, "signaling-config").get("data")).put("C2C_SIGNALING_RELAY_TOKEN", "x"),
                "holds C2C_SIGNALING_RELAY_TOKEN, a secret");
    }

    // ------------------------------------------------------------ autoscaling, topics, Kafka

    @Test
    void autoscalerTargetMissing() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "ScaledObject", "relay").at("/spec/scaleTargetRef")).put("name", "relays"),
                "ScaledObject relay: scale target Deployment relays does not exist");
    }

    @Test
    void prodWorkloadWithoutAutoscaler() {
        expect(Overlays.PROD, o -> o.remove(find(o, "ScaledObject", "signaling")), "Deployment signaling: no autoscaler scales it");
    }

    @Test
    void discoveryAutoscalerAbovePartitionCount() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "ScaledObject", "discovery").get("spec")).put("maxReplicaCount", 64),
                "maxReplicaCount 64 exceeds the 48 partitions of peer-events");
    }

    @Test
    void autoscalerOnAMetricNoServiceExports() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "ScaledObject", "relay").at("/spec/triggers/0/metadata"))
                        .put("query", "sum(c2c_relay_allocation{namespace=\"c2c\"})"),
                "trigger uses c2c_relay_allocation, which no service exports");
    }

    @Test
    void topicWithoutKafkaTopic() {
        expect(Overlays.DEV, o -> o.remove(find(o, "KafkaTopic", "peer-events")),
                "uses the topic peer-events (mp.messaging.outgoing.peer-events.topic), which has no KafkaTopic");
    }

    @Test
    void sitesNotCompacted() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "KafkaTopic", "sites").at("/spec/config")).put("cleanup.policy", "delete"),
                "KafkaTopic sites: must be compacted");
    }

    @Test
    void prodSitesWithoutMinInsyncTwo() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "KafkaTopic", "sites").at("/spec/config")).put("min.insync.replicas", 1),
                "KafkaTopic sites: needs min.insync.replicas=2 in production");
    }

    @Test
    void kafkaClientsPointingElsewhere() {
        expect(Overlays.DEV, o -> ((ObjectNode) configMap(o, "discovery-config").get("data"))
                        .put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"),
                "kafka.bootstrap.servers kafka:9092 is not a Kafka listener of the manifests");
    }

    // ------------------------------------------------------------ monitoring

    @Test
    void workloadNotScraped() {
        expect(Overlays.PROD, o -> o.remove(find(o, "ServiceMonitor", "discovery")),
                "Deployment discovery: no ServiceMonitor scrapes /q/metrics through its Service");
    }

    @Test
    void alertWithoutRunbook() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "PrometheusRule", "c2c-alerts").at("/spec/groups/0/rules/0/annotations"))
                        .put("runbook_url", "docs/operations.md#nowhere"),
                "alert C2CServiceDown: runbook_url 'docs/operations.md#nowhere' is not a section of docs/operations.md");
    }

    @Test
    void alertOnAMetricNoServiceExports() {
        expect(Overlays.DEV, o -> ((ObjectNode) find(o, "PrometheusRule", "c2c-alerts").at("/spec/groups/2/rules/0"))
                        .put("expr", "sum(c2c_discovery_lag) > 5"),
                "uses c2c_discovery_lag, which no service exports");
    }

    // ------------------------------------------------------------ strict parsing

    @Test
    void misspeltFieldInACoreObject() {
        expect(Overlays.PROD, o -> container(o, "discovery").set("readinesProbe", container(o, "discovery").get("readinessProbe")),
                "apps/v1/Deployment c2c/discovery: does not fit the Kubernetes model: Unrecognized field \"readinesProbe\"");
    }

    @Test
    void misplacedFieldInACoreObject() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "Deployment", "signaling").get("spec")).put("terminationGracePeriodSeconds", 30),
                "Unrecognized field \"terminationGracePeriodSeconds\"");
    }

    @Test
    void unknownFieldInACustomResource() {
        expect(Overlays.PROD, o -> ((ObjectNode) find(o, "ScaledObject", "signaling").get("spec")).put("maxReplicas", 10),
                "keda.sh/v1alpha1/ScaledObject signaling.spec.maxReplicas: unknown field");
    }

    @Test
    void unknownKind() {
        expect(Overlays.DEV, o -> o.add(parse("""
                {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"c2c"},"spec":{}}""")),
                "example.com/v1/Widget c2c/w: unknown kind");
    }

    // ------------------------------------------------------------ helpers

    private static void expect(Overlays overlay, Consumer<List<ObjectNode>> mutation, String expected) {
        List<ObjectNode> objects = overlay.render();
        mutation.accept(objects);
        List<String> violations = overlay.violations(objects);
        assertTrue(violations.stream().anyMatch(v -> v.contains(expected)),
                "expected a violation containing [" + expected + "], got " + violations);
    }

    static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the rendered overlay"));
    }

    /** A generated ConfigMap by its base name (kustomize appends a content hash). */
    static ObjectNode configMap(List<ObjectNode> objects, String baseName) {
        return objects.stream()
                .filter(o -> "ConfigMap".equals(o.path("kind").asText()) && o.path("metadata").path("name").asText().startsWith(baseName + "-"))
                .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + baseName));
    }

    static ObjectNode container(List<ObjectNode> objects, String deployment) {
        return (ObjectNode) find(objects, "Deployment", deployment).at("/spec/template/spec/containers/0");
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
