package io.c2c.relay.protocol;

/**
 * ChannelData framing (RFC 8656 section 12.4): 2-byte channel number (0x4000..0x7FFF, see ChannelNumber), 2-byte
 * length, payload; padded to a multiple of 4 on stream transports, unpadded on UDP (a receiver
 * accepts padding on UDP too).
 */
public record ChannelData(int channel, byte[] payload) {

    public static final int HEADER_LENGTH = 4;

    /** Whether the first byte marks a ChannelData message (top two bits 01). */
    public static boolean looksLikeChannelData(byte first) {
        return (first & 0xC0) == 0x40;
    }

    /**
     * The relay hot path's check of a ChannelData header read in place (no copy, no exception):
     * {@code available} bytes received in all, at least the header, a valid channel number and a
     * length field that fits. Bytes after the payload (padding) are allowed, as on receipt over UDP.
     */
    public static boolean isWellFormedHeader(int channel, int length, int available) {
        return available >= HEADER_LENGTH && ChannelNumber.isValid(channel) && length <= available - HEADER_LENGTH;
    }

    public static ChannelData decode(byte[] buf, int off, int len) throws StunException {
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new StunException("bad buffer bounds");
        }
        if (len < HEADER_LENGTH) {
            throw new StunException("truncated ChannelData header: " + len + " bytes");
        }
        int channel = StunMessage.readShort(buf, off);
        if (!ChannelNumber.isValid(channel)) {
            throw new StunException("ChannelData on invalid channel 0x" + Integer.toHexString(channel));
        }
        int length = StunMessage.readShort(buf, off + 2);
        if (HEADER_LENGTH + length > len) {
            throw new StunException("ChannelData length " + length + " exceeds " + (len - HEADER_LENGTH) + " bytes");
        }
        if (len - HEADER_LENGTH - length > 3) {
            throw new StunException("ChannelData has " + (len - HEADER_LENGTH - length) + " trailing bytes");
        }
        byte[] payload = new byte[length];
        System.arraycopy(buf, off + HEADER_LENGTH, payload, 0, length);
        return new ChannelData(channel, payload);
    }

    public byte[] encode(boolean padded) {
        return encode(channel, payload, 0, payload.length, padded);
    }

    public static byte[] encode(int channel, byte[] payload, int off, int len, boolean padded) {
        if (!ChannelNumber.isValid(channel)) {
            throw new IllegalArgumentException("invalid channel " + channel);
        }
        if (len > 0xFFFF) {
            throw new IllegalArgumentException("ChannelData payload too long: " + len);
        }
        int total = HEADER_LENGTH + (padded ? (len + 3) & ~3 : len);
        byte[] out = new byte[total];
        StunMessage.writeShort(out, 0, channel);
        StunMessage.writeShort(out, 2, len);
        System.arraycopy(payload, off, out, HEADER_LENGTH, len);
        return out;
    }

    /**
     * The length of the next whole frame (STUN message or padded ChannelData) at the start of a
     * stream buffer, -1 if more bytes are needed to tell, or throws for bytes that are neither.
     */
    public static int streamFrameLength(byte[] buf, int off, int available) throws StunException {
        if (available < 4) {
            return -1;
        }
        int first = buf[off] & 0xC0;
        int length = StunMessage.readShort(buf, off + 2);
        if (first == 0) {
            return StunMessage.HEADER_LENGTH + length;
        }
        if (first == 0x40) {
            return HEADER_LENGTH + ((length + 3) & ~3);
        }
        throw new StunException("neither STUN nor ChannelData on the stream");
    }
}
