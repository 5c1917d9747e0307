package io.c2c.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;
import java.util.Optional;

/**
 * Parses core Kubernetes objects into the fabric8 model <em>strictly</em>. The fabric8 classes keep unknown
 * fields in an "additionalProperties" map instead of failing; this mapper removes that any-setter from every bean
 * and fails on unknown properties, so a misspelt or misplaced field (say {@code readinesProbe}, or {@code sleep}
 * one level too high) is an error, as {@code kubectl apply --validate=strict} would make it.
 */
final class StrictKubernetes {

    /** The core kinds the platform uses, by apiVersion and kind; anything else must be a known CRD. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("apps/v1/DaemonSet", DaemonSet.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class));

    private static final ObjectMapper MAPPER = strictMapper();

    private StrictKubernetes() {
    }

    static String typeKey(JsonNode object) {
        return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    }

    static boolean isCore(JsonNode object) {
        return KINDS.containsKey(typeKey(object));
    }

    /** The typed object, or an exception whose message names the field that is not in the model. */
    static HasMetadata parse(JsonNode object) {
        Class<? extends HasMetadata> type = KINDS.get(typeKey(object));
        if (type == null) {
            throw new IllegalArgumentException("not a core kind this check knows: " + typeKey(object));
        }
        try {
            return MAPPER.treeToValue(object, type);
        } catch (Exception e) {
            String message = Optional.ofNullable(e.getMessage()).orElse(e.toString());
            int cut = message.indexOf(" (class ");
            throw new IllegalArgumentException(cut > 0 ? message.substring(0, cut) : message.lines().findFirst().orElse(message), e);
        }
    }

    /** Checks a sub-tree against one fabric8 model class; null when it fits, else the first problem. */
    static String fits(JsonNode node, Class<?> type) {
        try {
            MAPPER.treeToValue(node, type);
            return null;
        } catch (Exception e) {
            String message = Optional.ofNullable(e.getMessage()).orElse(e.toString());
            int cut = message.indexOf(" (class ");
            return cut > 0 ? message.substring(0, cut) : message.lines().findFirst().orElse(message);
        }
    }

    private static ObjectMapper strictMapper() {
        SimpleModule noAnySetter = new SimpleModule("no-additional-properties");
        noAnySetter.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                         BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                return builder;
            }
        });
        return new ObjectMapper()
                .registerModule(noAnySetter)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }
}
