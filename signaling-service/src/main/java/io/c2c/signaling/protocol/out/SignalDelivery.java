package io.c2c.signaling.protocol.out;

/**
 * A relayed {@code signal}, as the target receives it. {@code payloadJson} is well-formed JSON
 * text (from {@link io.c2c.signaling.protocol.in.Signal}), written as it is; null for none.
 */
public record SignalDelivery(String from, String kind, String payloadJson) implements ServerMessage {

    @Override
    public String type() {
        return "signal";
    }

    /**
     * The frame's text, written directly: signals are most of the traffic, and their payload is
     * already JSON. {@code from} is a peer id and {@code kind} a wire name, neither needs escaping.
     */
    public String toJson() {
        StringBuilder json = new StringBuilder(48 + from.length() + (payloadJson == null ? 0 : payloadJson.length()))
                .append("{\"type\":\"signal\",\"from\":\"").append(from)
                .append("\",\"kind\":\"").append(kind).append('"');
        if (payloadJson != null) {
            json.append(",\"payload\":").append(payloadJson);
        }
        return json.append('}').toString();
    }
}
