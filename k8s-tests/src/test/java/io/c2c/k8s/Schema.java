package io.c2c.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A deliberately small structural schema for the custom resources (KEDA, Strimzi, Prometheus Operator,
 * cert-manager) that fabric8's core model does not cover: the keys each object may have (anything else is an
 * error), which are required, and the type of each value. It covers the fields the platform uses and their common
 * siblings, not the CRDs' whole OpenAPI schemas; free-form sub-trees are marked as such on purpose.
 */
interface Schema {

    void check(JsonNode node, String path, List<String> errors);

    static Obj obj() {
        return new Obj();
    }

    static Schema list(Schema element) {
        return list(element, 0);
    }

    static Schema list(Schema element, int minSize) {
        return (node, path, errors) -> {
            if (!node.isArray()) {
                errors.add(path + ": expected a list, got " + kind(node));
                return;
            }
            if (node.size() < minSize) {
                errors.add(path + ": expected at least " + minSize + " element(s)");
            }
            for (int i = 0; i < node.size(); i++) {
                element.check(node.get(i), path + "[" + i + "]", errors);
            }
        };
    }

    Schema STRING = (node, path, errors) -> {
        if (!node.isTextual()) {
            errors.add(path + ": expected a string, got " + kind(node));
        }
    };

    Schema INT = (node, path, errors) -> {
        if (!node.isIntegralNumber()) {
            errors.add(path + ": expected an integer, got " + kind(node));
        }
    };

    Schema BOOL = (node, path, errors) -> {
        if (!node.isBoolean()) {
            errors.add(path + ": expected true or false, got " + kind(node));
        }
    };

    /** A map of names to scalars (labels, annotations, broker or topic config). */
    Schema SCALAR_MAP = (node, path, errors) -> {
        if (!node.isObject()) {
            errors.add(path + ": expected a mapping, got " + kind(node));
            return;
        }
        node.properties().forEach(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                errors.add(path + "." + e.getKey() + ": expected a scalar, got " + kind(e.getValue()));
            }
        });
    };

    /** A map of names to strings (KEDA trigger metadata is map[string]string). */
    Schema STRING_MAP = (node, path, errors) -> {
        if (!node.isObject()) {
            errors.add(path + ": expected a mapping, got " + kind(node));
            return;
        }
        node.properties().forEach(e -> STRING.check(e.getValue(), path + "." + e.getKey(), errors));
    };

    /** A sub-tree this schema does not look into (operator templates, relabelings): only its shape is checked. */
    Schema ANY_OBJECT = (node, path, errors) -> {
        if (!node.isObject()) {
            errors.add(path + ": expected a mapping, got " + kind(node));
        }
    };

    static Schema oneOf(String... values) {
        Set<String> allowed = Set.of(values);
        return (node, path, errors) -> {
            if (!node.isTextual() || !allowed.contains(node.asText())) {
                errors.add(path + ": expected one of " + List.of(values) + ", got " + node);
            }
        };
    }

    /** Delegates a sub-tree to another checker (e.g. the strict fabric8 model for an embedded core type). */
    static Schema using(Function<JsonNode, String> checker) {
        return (node, path, errors) -> {
            String error = checker.apply(node);
            if (error != null) {
                errors.add(path + ": " + error);
            }
        };
    }

    static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase();
    }

    /** An object with known keys; unknown keys are errors. */
    final class Obj implements Schema {

        private final Map<String, Schema> fields = new LinkedHashMap<>();
        private final Set<String> required = new java.util.HashSet<>();
        private final List<Rule> rules = new ArrayList<>();

        /** A cross-field rule: returns an error message or null. */
        interface Rule {
            String check(JsonNode node);
        }

        Obj req(String name, Schema schema) {
            fields.put(name, schema);
            required.add(name);
            return this;
        }

        Obj opt(String name, Schema schema) {
            fields.put(name, schema);
            return this;
        }

        Obj rule(Rule rule) {
            rules.add(rule);
            return this;
        }

        @Override
        public void check(JsonNode node, String path, List<String> errors) {
            if (node == null || !node.isObject()) {
                errors.add(path + ": expected a mapping, got " + kind(node));
                return;
            }
            for (String name : required) {
                if (!node.has(name) || node.get(name).isNull()) {
                    errors.add(path + "." + name + ": required");
                }
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                Schema schema = fields.get(e.getKey());
                if (schema == null) {
                    errors.add(path + "." + e.getKey() + ": unknown field (known: " + fields.keySet() + ")");
                } else if (!e.getValue().isNull()) {
                    schema.check(e.getValue(), path + "." + e.getKey(), errors);
                }
            }
            for (Rule rule : rules) {
                String error = rule.check(node);
                if (error != null) {
                    errors.add(path + ": " + error);
                }
            }
        }
    }
}
