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
     * One concatenation per case, so the text is built in a single array of its exact length (a
     * StringBuilder sized by guess grew once per signal: a quarter of the pod's allocation per message).
     */
    public String toJson() {
        return payloadJson == null
                ? "{\"type\":\"signal\",\"from\":\"" + from + "\",\"kind\":\"" + kind + "\"}"
                : "{\"type\":\"signal\",\"from\":\"" + from + "\",\"kind\":\"" + kind + "\",\"payload\":" + payloadJson + "}";
    }
}
