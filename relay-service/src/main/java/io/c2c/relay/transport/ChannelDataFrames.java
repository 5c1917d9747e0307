package io.c2c.relay.transport;

import io.c2c.relay.protocol.ChannelData;
import io.netty.buffer.ByteBuf;

/** ChannelData framing into Netty buffers for the relay's way back to clients (the byte[] codec is {@link ChannelData}). */
final class ChannelDataFrames {

    private ChannelDataFrames() {
    }

    /** Bytes a ChannelData message of {@code length} payload bytes takes, padded to a multiple of 4 on streams. */
    static int size(int length, boolean padded) {
        return ChannelData.HEADER_LENGTH + (padded ? (length + 3) & ~3 : length);
    }

    /** Appends a ChannelData message on {@code channel} carrying bytes {@code [index, index + length)} of {@code payload}. */
    static void write(ByteBuf out, int channel, ByteBuf payload, int index, int length, boolean padded) {
        out.writeShort(channel);
        out.writeShort(length);
        out.writeBytes(payload, index, length);
        out.writeZero(size(length, padded) - ChannelData.HEADER_LENGTH - length);
    }
}
