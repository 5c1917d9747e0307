package io.c2c.relay.protocol;

/** The class of a STUN message (RFC 8489 section 5): the two C bits of the message type. */
public enum StunClass {
    REQUEST(0b00), INDICATION(0b01), SUCCESS(0b10), ERROR(0b11);

    private final int bits;

    StunClass(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    public static StunClass valueOf(int bits) {
        return switch (bits & 0b11) {
            case 0b00 -> REQUEST;
            case 0b01 -> INDICATION;
            case 0b10 -> SUCCESS;
            default -> ERROR;
        };
    }
}
