package io.c2c.relay.protocol;

/** RESERVATION-TOKEN (RFC 8656 section 18.9): 8 opaque bytes naming a relay port the server holds back. */
public record ReservationToken(long token) implements StunAttribute {

    public static ReservationToken decode(byte[] value) throws StunException {
        if (value.length != 8) {
            throw new StunException("RESERVATION-TOKEN of length " + value.length);
        }
        long token = ((long) StunMessage.readInt(value, 0) << 32) | (StunMessage.readInt(value, 4) & 0xFFFFFFFFL);
        return new ReservationToken(token);
    }

    @Override
    public int type() {
        return AttributeType.RESERVATION_TOKEN;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        byte[] value = new byte[8];
        StunMessage.writeInt(value, 0, (int) (token >>> 32));
        StunMessage.writeInt(value, 4, (int) token);
        return value;
    }
}
