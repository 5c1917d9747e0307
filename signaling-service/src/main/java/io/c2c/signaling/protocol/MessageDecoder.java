package io.c2c.signaling.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.PeerReported;
import io.c2c.signaling.protocol.in.ClientMessage;
import io.c2c.signaling.protocol.in.Drop;
import io.c2c.signaling.protocol.in.Find;
import io.c2c.signaling.protocol.in.Have;
import io.c2c.signaling.protocol.in.Hello;
import io.c2c.signaling.protocol.in.Join;
import io.c2c.signaling.protocol.in.Leave;
import io.c2c.signaling.protocol.in.Ping;
import io.c2c.signaling.protocol.in.Report;
import io.c2c.signaling.protocol.in.Signal;
import io.c2c.signaling.protocol.in.SignalKind;
import io.c2c.signaling.protocol.in.Stats;
import io.c2c.signaling.protocol.in.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Turns one text frame into a {@link ClientMessage} or a {@link ProtocolException} with the
 * precise error code. Stateless and thread-safe. Size is checked by the caller before parsing;
 * nesting depth is bounded here so that a deep document cannot exhaust the stack.
 */
public final class MessageDecoder {

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .build();

    private final int maxAssetsPerMessage;
    private final int maxFindLimit;
    private final Map<String, BiFunction<JsonNode, String, ClientMessage>> decoders;

    public MessageDecoder(int maxAssetsPerMessage, int maxFindLimit) {
        this.maxAssetsPerMessage = maxAssetsPerMessage;
        this.maxFindLimit = maxFindLimit;
        this.decoders = Map.ofEntries(
                Map.entry(Hello.TYPE, this::hello),
                Map.entry(Join.TYPE, (m, id) -> new Join(id, Fields.string(m, "room", Fields.ROOM))),
                Map.entry(Leave.TYPE, (m, id) -> new Leave(id, Fields.string(m, "room", Fields.ROOM))),
                Map.entry(Signal.TYPE, this::signal),
                Map.entry(Have.TYPE, (m, id) -> new Have(id, Fields.stringList(m, "assets", Fields.SHA256, 1, this.maxAssetsPerMessage))),
                Map.entry(Drop.TYPE, (m, id) -> new Drop(id, Fields.stringList(m, "assets", Fields.SHA256, 1, this.maxAssetsPerMessage))),
                Map.entry(Find.TYPE, (m, id) -> new Find(id, Fields.string(m, "asset", Fields.SHA256),
                        (int) Fields.optionalLong(m, "limit", 1, this.maxFindLimit, Math.min(8, this.maxFindLimit)))),
                Map.entry(Ping.TYPE, this::ping),
                Map.entry(Stats.TYPE, this::stats),
                Map.entry(Status.TYPE, this::status),
                Map.entry(Report.TYPE, this::report));
    }

    /** The shared parser settings, also used to read upstream answers. */
    public static ObjectMapper json() {
        return JSON;
    }

    public ClientMessage decode(String text) {
        Signal signal = validSignal(text);
        return signal != null ? signal : decodeTree(text);
    }

    /** The general path: every message type, and the precise error for an invalid one. */
    ClientMessage decodeTree(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "not a JSON document");
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "a message is a JSON object");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw Fields.invalid("type", "must be a string");
        }
        String id = Fields.optionalString(root, "id", Fields.MESSAGE_ID);
        BiFunction<JsonNode, String, ClientMessage> decoder = decoders.get(type.textValue());
        if (decoder == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown message type");
        }
        return decoder.apply(root, id);
    }

    /** The {@code id} of a message that failed to decode, when it can be read, for the error's {@code re}. */
    public static String idOf(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            JsonNode id = root == null ? null : root.get("id");
            return id != null && id.isTextual() && Fields.MESSAGE_ID.matches(id.textValue()) ? id.textValue() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private ClientMessage hello(JsonNode m, String id) {
        String site = Fields.string(m, "site", Fields.ID);
        String peerId = Fields.optionalString(m, "peerId", Fields.PEER_ID);
        String token = Fields.optionalString(m, "resumeToken", Fields.TOKEN);
        if ((peerId == null) != (token == null)) {
            throw Fields.invalid(peerId == null ? "peerId" : "resumeToken", "is required to resume");
        }
        long upload = 0;
        JsonNode caps = Fields.optionalObject(m, "capabilities");
        if (caps != null) {
            upload = Fields.optionalLong(caps, "uploadCapacity", 0, MAX_UPLOAD_BYTES_PER_SECOND, 0);
        }
        return new Hello(id, site, peerId, token, upload);
    }

    private ClientMessage signal(JsonNode m, String id) {
        String to = Fields.string(m, "to", Fields.PEER_ID);
        JsonNode kindNode = m.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            throw Fields.invalid("kind", "must be a string");
        }
        SignalKind kind = SignalKind.fromWire(kindNode.textValue());
        if (kind == null) {
            throw Fields.invalid("kind", "must be offer, answer, candidate or bye");
        }
        JsonNode payload = m.get("payload");
        if (kind != SignalKind.BYE && (payload == null || payload.isNull())) {
            throw Fields.invalid("payload", "is required");
        }
        if (payload != null && !payload.isNull() && !payload.isObject() && !payload.isTextual()) {
            throw Fields.invalid("payload", "must be an object or a string");
        }
        return new Signal(id, to, kind, payload == null || payload.isNull() ? null : payload.toString());
    }

    /**
     * The common case read without building a tree: a well-formed, valid {@code signal}, whose
     * payload object is kept as the sender's text (the parser has checked its syntax, depth and
     * duplicate names on the way). Null for anything else, valid or not: the general path then
     * decodes it and names the error, so both paths accept and refuse exactly the same messages.
     */
    static Signal validSignal(String text) {
        try (JsonParser parser = JSON.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            String id = null;
            String to = null;
            String kind = null;
            String payload = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "type", "id", "to", "kind" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        switch (name) {
                            case "type" -> type = parser.getText();
                            case "id" -> id = parser.getText();
                            case "to" -> to = parser.getText();
                            default -> kind = parser.getText();
                        }
                    }
                    case "payload" -> {
                        if (value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        int start = (int) parser.currentTokenLocation().getCharOffset();
                        parser.skipChildren();
                        int end = (int) parser.currentLocation().getCharOffset();
                        if (start < 0 || end > text.length() || start >= end) {
                            return null;
                        }
                        payload = text.substring(start, end);
                    }
                    default -> parser.skipChildren();
                }
            }
            SignalKind signalKind = SignalKind.fromWire(kind);
            if (!Signal.TYPE.equals(type) || signalKind == null || to == null || !Fields.PEER_ID.matches(to)
                    || (id != null && !Fields.MESSAGE_ID.matches(id)) || (payload == null && signalKind != SignalKind.BYE)) {
                return null;
            }
            return new Signal(id, to, signalKind, payload);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Bytes per report: far above what a browser moves in a reporting interval, low enough to keep sums exact. */
    static final long MAX_REPORTED_BYTES = 1L << 40;
    static final long MAX_REPORTED_COUNT = 1_000_000;
    private static final Pattern CANDIDATE_TYPE = Pattern.compile("host|srflx|prflx|relay");
    private static final Pattern REASON = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    private ClientMessage stats(JsonNode m, String id) {
        return new Stats(id,
                Fields.optionalLong(m, "peerBytes", 0, MAX_REPORTED_BYTES, 0),
                Fields.optionalLong(m, "originBytes", 0, MAX_REPORTED_BYTES, 0),
                Fields.optionalLong(m, "uploadedBytes", 0, MAX_REPORTED_BYTES, 0),
                Fields.optionalCounts(m, "connections", CANDIDATE_TYPE, 4, MAX_REPORTED_COUNT),
                Fields.optionalCounts(m, "failures", REASON, 16, MAX_REPORTED_COUNT));
    }

    /** Upload figures above 10 GB/s are no browser's; the bound keeps sums and comparisons exact. */
    static final long MAX_UPLOAD_BYTES_PER_SECOND = 10_000_000_000L;
    /** Coordinate dimensions a browser may report (discovery keeps at most this many). */
    static final int MAX_COORDINATE_DIMENSIONS = 8;
    /** Milliseconds: a coordinate component or height beyond this describes no round trip on Earth. */
    static final double MAX_COORDINATE_MILLIS = 100_000;
    /** Vivaldi's relative error estimate is clamped to this by the model (Serf's 1.5). */
    static final double MAX_COORDINATE_ERROR = 1.5;

    private ClientMessage status(JsonNode m, String id) {
        if (m.get("uploadCapacity") == null || m.get("uploadCapacity").isNull()) {
            throw Fields.invalid("uploadCapacity", "is required");
        }
        long capacity = Fields.optionalLong(m, "uploadCapacity", 0, MAX_UPLOAD_BYTES_PER_SECOND, 0);
        long rate = Fields.optionalLong(m, "uploadRate", 0, MAX_UPLOAD_BYTES_PER_SECOND, 0);
        JsonNode node = Fields.optionalObject(m, "coordinate");
        return new Status(id, capacity, rate, node == null ? null : coordinate(node));
    }

    private static Coordinate coordinate(JsonNode node) {
        JsonNode vector = node.get("vector");
        if (vector == null || !vector.isArray() || vector.isEmpty() || vector.size() > MAX_COORDINATE_DIMENSIONS) {
            throw Fields.invalid("coordinate.vector", "must be an array of 1.." + MAX_COORDINATE_DIMENSIONS + " numbers");
        }
        List<Double> components = new ArrayList<>(vector.size());
        for (JsonNode component : vector) {
            components.add(bounded(component, "coordinate.vector", -MAX_COORDINATE_MILLIS, MAX_COORDINATE_MILLIS));
        }
        double height = bounded(node.get("height"), "coordinate.height", 0, MAX_COORDINATE_MILLIS);
        double error = bounded(node.get("error"), "coordinate.error", 0, MAX_COORDINATE_ERROR);
        return new Coordinate(components, height, error);
    }

    private static double bounded(JsonNode node, String field, double min, double max) {
        if (node == null || !node.isNumber() || !Double.isFinite(node.doubleValue())
                || node.doubleValue() < min || node.doubleValue() > max) {
            throw Fields.invalid(field, "must be a number in " + min + ".." + max);
        }
        return node.doubleValue();
    }

    private ClientMessage report(JsonNode m, String id) {
        String peerId = Fields.string(m, "peerId", Fields.PEER_ID);
        JsonNode reason = m.get("reason");
        if (reason == null || !reason.isTextual() || !PeerReported.REASONS.contains(reason.textValue())) {
            throw Fields.invalid("reason", "must be chunk-hash, chunk-length or protocol-violation");
        }
        return new Report(id, peerId, reason.textValue());
    }

    private ClientMessage ping(JsonNode m, String id) {
        JsonNode ts = m.get("ts");
        Long value = null;
        if (ts != null && !ts.isNull()) {
            if (!ts.isIntegralNumber() || !ts.canConvertToLong()) {
                throw Fields.invalid("ts", "must be an integer");
            }
            value = ts.longValue();
        }
        return new Ping(id, value);
    }
}
