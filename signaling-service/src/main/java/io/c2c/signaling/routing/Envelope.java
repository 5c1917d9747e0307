package io.c2c.signaling.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * What travels through a pod inbox and sits in a resume buffer: {@code m|site|to|sentAtMicros|hop|id|body}
 * for a message to a peer (the {@code id}, unique per sending pod, lets a pod drop a copy it already
 * delivered) ({@code body} is the JSON text the peer receives), {@code k|peerId|conn} to
 * close a connection that another one took over, {@code p} to probe the subscription. Peer ids and
 * site ids never contain {@code |}, so the body needs no escaping. Several messages for one pod
 * travel as one {@linkplain #batch batch}: {@code b|} and the envelopes separated by U+001E, a
 * character that JSON text cannot contain unescaped.
 */
public record Envelope(char kind, String site, String to, long sentAtMicros, int hop, String id, String body) {

    /** Separates the envelopes of a batch; never part of a JSON text's characters. */
    public static final char BATCH_SEPARATOR = '\u001e';
    private static final String BATCH_PREFIX = "b|";

    public static Envelope message(String site, String to, long sentAtMicros, int hop, String id, String body) {
        return new Envelope('m', site, to, sentAtMicros, hop, id, body);
    }

    /** The text of a batch of encoded envelopes, as the route script publishes it. */
    public static String batch(List<String> encoded) {
        return BATCH_PREFIX + String.join(String.valueOf(BATCH_SEPARATOR), encoded);
    }

    /** The envelopes in a published text: one, or each of a batch in order; malformed ones are left out. */
    public static List<Envelope> decodeAll(String text) {
        if (text == null || !text.startsWith(BATCH_PREFIX)) {
            Envelope one = decode(text);
            return one == null ? List.of() : List.of(one);
        }
        List<Envelope> all = new ArrayList<>();
        int from = BATCH_PREFIX.length();
        while (from <= text.length()) {
            int end = text.indexOf(BATCH_SEPARATOR, from);
            Envelope envelope = decode(text.substring(from, end < 0 ? text.length() : end));
            if (envelope != null) {
                all.add(envelope);
            }
            if (end < 0) {
                break;
            }
            from = end + 1;
        }
        return all;
    }

    public static Envelope kick(String peerId, String connId) {
        return new Envelope('k', null, peerId, 0, 0, null, connId);
    }

    /** The same message one routing hop further. */
    public Envelope nextHop() {
        return new Envelope(kind, site, to, sentAtMicros, hop + 1, id, body);
    }

    public static final String PROBE = "p";

    /**
     * The text that goes through Redis. Checked here, not when the envelope is made: a same-pod delivery
     * never encodes it, and only an encoded body could break a batch.
     */
    public String encode() {
        if (body != null && kind == 'm' && body.indexOf(BATCH_SEPARATOR) >= 0) {
            throw new IllegalArgumentException("a message body is JSON text, which never holds U+001E unescaped");
        }
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
