package io.c2c.relay.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 for text attributes: bounded length, malformed bytes rejected rather than replaced. */
final class Text {

    private Text() {
    }

    static String decode(String name, byte[] value, int maxBytes) throws StunException {
        if (value.length > maxBytes) {
            throw new StunException(name + " longer than " + maxBytes + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new StunException(name + " is not valid UTF-8");
        }
    }

    static byte[] encode(String name, String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException(name + " longer than " + maxBytes + " bytes");
        }
        return bytes;
    }
}
