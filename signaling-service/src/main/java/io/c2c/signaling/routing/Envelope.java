package io.c2c.signaling.routing;

/**
 * What travels through a pod inbox and sits in a resume buffer: {@code m|site|to|sentAtMicros|hop|id|body}
 * for a message to a peer (the {@code id}, unique per sending pod, lets a pod drop a copy it already
 * delivered) ({@code body} is the JSON text the peer receives), {@code k|peerId|conn} to
 * close a connection that another one took over, {@code p} to probe the subscription. Peer ids and
 * site ids never contain {@code |}, so the body needs no escaping.
 */
public record Envelope(char kind, String site, String to, long sentAtMicros, int hop, String id, String body) {

    public static Envelope message(String site, String to, long sentAtMicros, int hop, String id, String body) {
        return new Envelope('m', site, to, sentAtMicros, hop, id, body);
    }

    public static Envelope kick(String peerId, String connId) {
        return new Envelope('k', null, peerId, 0, 0, null, connId);
    }

    /** The same message one routing hop further. */
    public Envelope nextHop() {
        return new Envelope(kind, site, to, sentAtMicros, hop + 1, id, body);
    }

    public static final String PROBE = "p";

    public String encode() {
        return switch (kind) {
            case 'm' -> "m|" + site + "|" + to + "|" + sentAtMicros + "|" + hop + "|" + id + "|" + body;
            case 'k' -> "k|" + to + "|" + body;
            default -> PROBE;
        };
    }

    /** Decodes an envelope; null for anything malformed (only pods write them, so that means a bug or a probe). */
    public static Envelope decode(String text) {
        if (text == null || text.length() < 2) {
            return null;
        }
        try {
            if (text.startsWith("k|")) {
                int a = text.indexOf('|', 2);
                return kick(text.substring(2, a), text.substring(a + 1));
            }
            if (!text.startsWith("m|")) {
                return null;
            }
            int a = text.indexOf('|', 2);
            int b = text.indexOf('|', a + 1);
            int c = text.indexOf('|', b + 1);
            int d = text.indexOf('|', c + 1);
            int e = text.indexOf('|', d + 1);
            return message(text.substring(2, a), text.substring(a + 1, b), Long.parseLong(text.substring(b + 1, c)),
                    Integer.parseInt(text.substring(c + 1, d)), text.substring(d + 1, e), text.substring(e + 1));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
