package io.c2c.relay.protocol;

/**
 * The 14-bit STUN message type: a 12-bit method interleaved with the 2-bit class
 * (RFC 8489 section 5, figure 3: M11..M7 C1 M6..M4 C0 M3..M0).
 */
public record MessageType(int method, StunClass messageClass) {

    public MessageType {
        if (method < 0 || method > 0xFFF) {
            throw new IllegalArgumentException("method out of range: " + method);
        }
    }

    public static MessageType decode(int type) {
        int method = (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
        int cls = ((type & 0x0010) >> 4) | ((type & 0x0100) >> 7);
        return new MessageType(method, StunClass.valueOf(cls));
    }

    public int encode() {
        int cls = messageClass.bits();
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((cls & 0b01) << 4) | ((cls & 0b10) << 7);
    }

    @Override
    public String toString() {
        return StunMethod.name(method) + " " + messageClass;
    }
}
