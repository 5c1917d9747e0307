package io.c2c.k8s;

import static io.c2c.k8s.Schema.ANY_OBJECT;
import static io.c2c.k8s.Schema.BOOL;
import static io.c2c.k8s.Schema.INT;
import static io.c2c.k8s.Schema.SCALAR_MAP;
import static io.c2c.k8s.Schema.STRING;
import static io.c2c.k8s.Schema.STRING_MAP;
import static io.c2c.k8s.Schema.list;
import static io.c2c.k8s.Schema.obj;
import static io.c2c.k8s.Schema.oneOf;
import static io.c2c.k8s.Schema.using;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strict checks of the custom resources in k8s/: KEDA ScaledObject, Strimzi Kafka/KafkaNodePool/KafkaTopic,
 * Prometheus Operator ServiceMonitor/PrometheusRule, cert-manager Issuer/Certificate. Embedded core types
 * (metadata, resources, selectors, HPA behaviour, network peers) go through the strict fabric8 model.
 */
final class CustomResources {

    private static final Schema METADATA = using(n -> StrictKubernetes.fits(n, ObjectMeta.class));
    private static final Schema RESOURCES = using(n -> StrictKubernetes.fits(n, ResourceRequirements.class));
    private static final Schema SELECTOR = using(n -> StrictKubernetes.fits(n, LabelSelector.class));

    private static final Schema PROMETHEUS_TRIGGER_METADATA = obj()
            .req("serverAddress", STRING).req("query", STRING).req("threshold", STRING)
            .opt("activationThreshold", STRING).opt("namespace", STRING).opt("ignoreNullValues", STRING)
            .opt("unsafeSsl", STRING).opt("authModes", STRING).opt("customHeaders", STRING);
    private static final Schema RESOURCE_TRIGGER_METADATA = obj().req("value", STRING).opt("containerName", STRING);

    private static final Schema SCALED_OBJECT = obj()
            .req("scaleTargetRef", obj().req("name", STRING).opt("kind", STRING).opt("apiVersion", STRING)
                    .opt("envSourceContainerName", STRING))
            .req("triggers", list(obj()
                    .req("type", STRING)
                    .req("metadata", STRING_MAP)
                    .opt("metricType", oneOf("AverageValue", "Value", "Utilization"))
                    .opt("name", STRING).opt("useCachedMetrics", BOOL)
                    .opt("authenticationRef", obj().req("name", STRING).opt("kind", oneOf("TriggerAuthentication",
                            "ClusterTriggerAuthentication")))
                    .rule(CustomResources::triggerMetadata), 1))
            .opt("pollingInterval", INT).opt("cooldownPeriod", INT).opt("initialCooldownPeriod", INT)
            .opt("idleReplicaCount", INT).opt("minReplicaCount", INT).opt("maxReplicaCount", INT)
            .opt("fallback", obj().req("failureThreshold", INT).req("replicas", INT)
                    .opt("behavior", oneOf("static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower")))
            .opt("advanced", obj().opt("restoreToOriginalReplicaCount", BOOL)
                    .opt("horizontalPodAutoscalerConfig", obj().opt("name", STRING)
                            .opt("behavior", using(n -> StrictKubernetes.fits(n, HorizontalPodAutoscalerBehavior.class))))
                    .opt("scalingModifiers", ANY_OBJECT))
            .rule(CustomResources::replicaBounds)
            .rule(CustomResources::fallbackNeedsAverageValue);

    private static final Schema KAFKA = obj()
            .req("kafka", obj()
                    .req("listeners", list(obj().req("name", STRING).req("port", INT)
                            .req("type", oneOf("internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"))
                            .req("tls", BOOL).opt("authentication", ANY_OBJECT).opt("configuration", ANY_OBJECT)
                            .opt("networkPolicyPeers", list(using(n -> StrictKubernetes.fits(n, NetworkPolicyPeer.class)))), 1))
                    .opt("version", STRING).opt("metadataVersion", STRING).opt("config", SCALAR_MAP)
                    .opt("rack", obj().req("topologyKey", STRING)).opt("authorization", ANY_OBJECT)
                    .opt("resources", RESOURCES).opt("jvmOptions", ANY_OBJECT).opt("template", ANY_OBJECT)
                    .opt("logging", ANY_OBJECT).opt("metricsConfig", ANY_OBJECT).opt("brokerRackInitImage", STRING)
                    .opt("image", STRING))
            .opt("entityOperator", obj().opt("topicOperator", ANY_OBJECT).opt("userOperator", ANY_OBJECT)
                    .opt("template", ANY_OBJECT))
            .opt("cruiseControl", ANY_OBJECT).opt("kafkaExporter", ANY_OBJECT).opt("clientsCa", ANY_OBJECT)
            .opt("clusterCa", ANY_OBJECT).opt("maintenanceTimeWindows", list(STRING));

    private static final Schema VOLUME = obj().req("type", oneOf("ephemeral", "persistent-claim"))
            .opt("id", INT).opt("size", STRING).opt("sizeLimit", STRING).opt("deleteClaim", BOOL).opt("class", STRING)
            .opt("kraftMetadata", oneOf("shared")).opt("selector", STRING_MAP).opt("overrides", list(ANY_OBJECT));

    private static final Schema NODE_POOL = obj()
            .req("replicas", INT)
            .req("roles", list(oneOf("controller", "broker"), 1))
            .req("storage", obj().req("type", oneOf("jbod", "ephemeral", "persistent-claim"))
                    .opt("volumes", list(VOLUME, 1)).opt("size", STRING).opt("sizeLimit", STRING)
                    .opt("deleteClaim", BOOL).opt("class", STRING)
                    .rule(n -> "jbod".equals(n.path("type").asText()) && !n.has("volumes") ? "jbod storage needs volumes" : null))
            .opt("resources", RESOURCES).opt("jvmOptions", ANY_OBJECT).opt("template", ANY_OBJECT);

    private static final Schema TOPIC = obj()
            .req("partitions", INT).req("replicas", INT).opt("topicName", STRING).opt("config", SCALAR_MAP)
            .rule(n -> n.path("partitions").asInt() < 1 || n.path("replicas").asInt() < 1 ? "partitions and replicas must be >= 1" : null);

    private static final Schema SERVICE_MONITOR = obj()
            .req("selector", SELECTOR)
            .req("endpoints", list(obj().opt("port", STRING).opt("targetPort", STRING).opt("path", STRING)
                    .opt("scheme", oneOf("http", "https")).opt("interval", STRING).opt("scrapeTimeout", STRING)
                    .opt("honorLabels", BOOL).opt("relabelings", list(ANY_OBJECT)).opt("metricRelabelings", list(ANY_OBJECT))
                    .rule(n -> n.has("port") || n.has("targetPort") ? null : "an endpoint needs port or targetPort"), 1))
            .opt("namespaceSelector", obj().opt("matchNames", list(STRING)).opt("any", BOOL))
            .opt("jobLabel", STRING).opt("targetLabels", list(STRING)).opt("podTargetLabels", list(STRING));

    private static final Schema PROMETHEUS_RULE = obj()
            .req("groups", list(obj().req("name", STRING).opt("interval", STRING)
                    .req("rules", list(obj().opt("alert", STRING).opt("record", STRING).req("expr", STRING)
                            .opt("for", STRING).opt("keep_firing_for", STRING).opt("labels", STRING_MAP)
                            .opt("annotations", STRING_MAP)
                            .rule(n -> n.has("alert") == n.has("record") ? "a rule is either an alert or a record" : null), 1)), 1));

    private static final Schema ISSUER = obj()
            .opt("acme", obj().req("server", STRING).req("privateKeySecretRef", obj().req("name", STRING).opt("key", STRING))
                    .req("solvers", list(obj()
                            .opt("http01", obj().opt("ingress", obj().opt("ingressClassName", STRING).opt("class", STRING)
                                    .opt("name", STRING).opt("serviceType", STRING).opt("podTemplate", ANY_OBJECT)
                                    .opt("ingressTemplate", ANY_OBJECT)).opt("gatewayHTTPRoute", ANY_OBJECT))
                            .opt("dns01", ANY_OBJECT).opt("selector", ANY_OBJECT), 1))
                    .opt("email", STRING).opt("skipTLSVerify", BOOL).opt("preferredChain", STRING)
                    .opt("externalAccountBinding", ANY_OBJECT))
            .opt("selfSigned", obj().opt("crlDistributionPoints", list(STRING)))
            .opt("ca", obj().req("secretName", STRING))
            .opt("vault", ANY_OBJECT).opt("venafi", ANY_OBJECT)
            .rule(n -> n.size() == 1 ? null : "exactly one of acme, selfSigned, ca, vault, venafi");

    private static final Schema CERTIFICATE = obj()
            .req("secretName", STRING)
            .req("issuerRef", obj().req("name", STRING).opt("kind", oneOf("Issuer", "ClusterIssuer")).opt("group", STRING))
            .opt("dnsNames", list(STRING)).opt("commonName", STRING).opt("ipAddresses", list(STRING)).opt("uris", list(STRING))
            .opt("duration", STRING).opt("renewBefore", STRING).opt("usages", list(STRING))
            .opt("privateKey", obj().opt("algorithm", oneOf("RSA", "ECDSA", "Ed25519")).opt("size", INT)
                    .opt("rotationPolicy", oneOf("Never", "Always")).opt("encoding", oneOf("PKCS1", "PKCS8")))
            .opt("secretTemplate", obj().opt("labels", STRING_MAP).opt("annotations", STRING_MAP))
            .rule(n -> n.has("dnsNames") || n.has("commonName") || n.has("ipAddresses") || n.has("uris")
                    ? null : "a certificate needs dnsNames, commonName, ipAddresses or uris");

    private static final Map<String, Schema> SPECS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", SCALED_OBJECT,
            "kafka.strimzi.io/v1beta2/Kafka", KAFKA,
            "kafka.strimzi.io/v1beta2/KafkaNodePool", NODE_POOL,
            "kafka.strimzi.io/v1beta2/KafkaTopic", TOPIC,
            "monitoring.coreos.com/v1/ServiceMonitor", SERVICE_MONITOR,
            "monitoring.coreos.com/v1/PrometheusRule", PROMETHEUS_RULE,
            "cert-manager.io/v1/Issuer", ISSUER,
            "cert-manager.io/v1/ClusterIssuer", ISSUER,
            "cert-manager.io/v1/Certificate", CERTIFICATE);

    private CustomResources() {
    }

    static boolean isKnown(JsonNode object) {
        return SPECS.containsKey(StrictKubernetes.typeKey(object));
    }

    /** Every problem of one custom resource; empty when it fits. */
    static List<String> check(JsonNode object) {
        String type = StrictKubernetes.typeKey(object);
        Schema spec = SPECS.get(type);
        List<String> errors = new ArrayList<>();
        if (spec == null) {
            errors.add(type + ": not a kind these checks know");
            return errors;
        }
        String name = type + " " + object.path("metadata").path("name").asText("?");
        obj().req("apiVersion", STRING).req("kind", STRING).req("metadata", METADATA).req("spec", spec)
                .rule(o -> o.path("metadata").path("name").asText().isEmpty() ? "metadata.name is required" : null)
                .check(object, name, errors);
        if (type.startsWith("kafka.strimzi.io/") && !type.endsWith("/Kafka")
                && object.path("metadata").path("labels").path("strimzi.io/cluster").asText().isEmpty()) {
            errors.add(name + ": metadata.labels.strimzi.io/cluster is required (the operator ignores it otherwise)");
        }
        if (type.endsWith("/Kafka")) {
            if (object.path("spec").has("zookeeper")) {
                errors.add(name + ": ZooKeeper is gone; KRaft only");
            }
            JsonNode annotations = object.path("metadata").path("annotations");
            if (!"enabled".equals(annotations.path("strimzi.io/node-pools").asText())
                    || !"enabled".equals(annotations.path("strimzi.io/kraft").asText())) {
                errors.add(name + ": needs the annotations strimzi.io/node-pools=enabled and strimzi.io/kraft=enabled");
            }
        }
        return errors;
    }

    private static String triggerMetadata(JsonNode trigger) {
        List<String> errors = new ArrayList<>();
        String type = trigger.path("type").asText();
        JsonNode metadata = trigger.path("metadata");
        switch (type) {
            case "prometheus" -> PROMETHEUS_TRIGGER_METADATA.check(metadata, "metadata", errors);
            case "cpu", "memory" -> {
                RESOURCE_TRIGGER_METADATA.check(metadata, "metadata", errors);
                if (!trigger.has("metricType")) {
                    errors.add("a " + type + " trigger needs metricType (Utilization or AverageValue)");
                } else if ("Value".equals(trigger.path("metricType").asText())) {
                    errors.add("a " + type + " trigger cannot use metricType Value");
                }
            }
            case "kafka" -> obj().req("bootstrapServers", STRING).req("consumerGroup", STRING).req("topic", STRING)
                    .opt("lagThreshold", STRING).opt("activationLagThreshold", STRING).opt("offsetResetPolicy", STRING)
                    .opt("allowIdleConsumers", STRING).opt("limitToPartitionsWithLag", STRING)
                    .opt("scaleToZeroOnInvalidOffset", STRING).opt("excludePersistentLag", STRING)
                    .check(metadata, "metadata", errors);
            default -> errors.add("trigger type " + type + " is not one these checks know");
        }
        return errors.isEmpty() ? null : String.join("; ", errors);
    }

    private static String replicaBounds(JsonNode spec) {
        int min = spec.path("minReplicaCount").asInt(0);
        int max = spec.path("maxReplicaCount").asInt(100);
        return min <= max ? null : "minReplicaCount " + min + " > maxReplicaCount " + max;
    }

    private static String fallbackNeedsAverageValue(JsonNode spec) {
        if (!spec.has("fallback")) {
            return null;
        }
        for (JsonNode trigger : spec.path("triggers")) {
            String type = trigger.path("type").asText();
            if (type.equals("cpu") || type.equals("memory") || !"AverageValue".equals(trigger.path("metricType").asText("AverageValue"))) {
                return "fallback works only when every trigger is an AverageValue external metric";
            }
        }
        return null;
    }
}
