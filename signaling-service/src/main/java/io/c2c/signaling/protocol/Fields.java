package io.c2c.signaling.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Typed, bounded reads of message fields; every failure is an {@code invalid-field} error naming the field. */
final class Fields {

    static final TokenFormat ID = new TokenFormat("A-Za-z0-9._:-", 1, 128);
    static final TokenFormat ROOM = new TokenFormat("A-Za-z0-9._:-", 1, 64);
    /** A message's own {@code id}, echoed as {@code re} in its answer. */
    static final TokenFormat MESSAGE_ID = new TokenFormat("A-Za-z0-9._:-", 1, 64);
    static final TokenFormat PEER_ID = new TokenFormat("0-9a-f", 32, 32);
    static final TokenFormat TOKEN = new TokenFormat("0-9a-f", 32, 32);
    static final TokenFormat SHA256 = new TokenFormat("0-9a-f", 64, 64);

    private Fields() {
    }

    static String string(JsonNode msg, String field, TokenFormat format) {
        JsonNode node = msg.get(field);
        if (node == null || node.isNull()) {
            throw invalid(field, "is required");
        }
        return check(field, node, format);
    }

    static String optionalString(JsonNode msg, String field, TokenFormat format) {
        JsonNode node = msg.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        return check(field, node, format);
    }

    private static String check(String field, JsonNode node, TokenFormat format) {
        if (!node.isTextual()) {
            throw invalid(field, "must be a string");
        }
        String value = node.textValue();
        if (!format.matches(value)) {
            throw invalid(field, "must match " + format);
        }
        return value;
    }

    static long optionalLong(JsonNode msg, String field, long min, long max, long fallback) {
        JsonNode node = msg.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw invalid(field, "must be an integer");
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw invalid(field, "must be between " + min + " and " + max);
        }
        return value;
    }

    static List<String> stringList(JsonNode msg, String field, TokenFormat format, int min, int max) {
        JsonNode node = msg.get(field);
        if (node == null || node.isNull()) {
            throw invalid(field, "is required");
        }
        if (!node.isArray()) {
            throw invalid(field, "must be an array");
        }
        if (node.size() < min || node.size() > max) {
            throw invalid(field, "must hold " + min + ".." + max + " items");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            values.add(check(field + "[]", item, format));
        }
        return values;
    }

    /** An optional object of counters: at most {@code maxKeys} keys matching {@code keys}, integer values 0..max. */
    static Map<String, Long> optionalCounts(JsonNode msg, String field, Pattern keys, int maxKeys, long max) {
        JsonNode node = optionalObject(msg, field);
        if (node == null) {
            return Map.of();
        }
        if (node.size() > maxKeys) {
            throw invalid(field, "holds at most " + maxKeys + " keys");
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!keys.matcher(entry.getKey()).matches()) {
                throw invalid(field, "keys must match " + keys.pattern());
            }
            counts.put(entry.getKey(), optionalLong(node, entry.getKey(), 0, max, 0));
        }
        return counts;
    }

    static JsonNode optionalObject(JsonNode msg, String field) {
        JsonNode node = msg.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid(field, "must be an object");
        }
        return node;
    }

    static ProtocolException invalid(String field, String problem) {
        return new ProtocolException(ErrorCode.INVALID_FIELD, "'" + field + "' " + problem);
    }
}
