package io.c2c.relay.protocol;

/**
 * CHANNEL-NUMBER (RFC 8656 section 18.1). RFC 8656 narrowed the channel range to 0x4000..0x4FFF,
 * but RFC 5766 clients (coturn's own tools among them) still pick numbers up to 0x7FFF, and the
 * first-two-bits demultiplexing works for the whole 0x4000..0x7FFF range, so this server accepts
 * the RFC 5766 range.
 */
public record ChannelNumber(int number) implements StunAttribute {

    public static final int MIN = 0x4000;
    public static final int MAX = 0x7FFF;

    public static boolean isValid(int number) {
        return number >= MIN && number <= MAX;
    }

    public static ChannelNumber decode(byte[] value) throws StunException {
        if (value.length != 4) {
            throw new StunException("CHANNEL-NUMBER of length " + value.length);
        }
        return new ChannelNumber(StunMessage.readShort(value, 0));
    }

    @Override
    public int type() {
        return AttributeType.CHANNEL_NUMBER;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        byte[] value = new byte[4];
        StunMessage.writeShort(value, 0, number);
        return value;
    }
}
