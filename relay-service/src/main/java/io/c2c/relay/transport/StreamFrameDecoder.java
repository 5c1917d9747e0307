package io.c2c.relay.transport;

import io.c2c.relay.server.RelayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a TURN-over-TCP byte stream into whole frames (RFC 8656 section 12.5): a STUN message
 * is 20 bytes plus its length field, ChannelData 4 bytes plus its length padded to 4. Bytes that
 * are neither, or a frame larger than the limit, close the connection.
 */
final class StreamFrameDecoder extends ByteToMessageDecoder {

    private final int maxFrame;
    private final RelayMetrics metrics;

    StreamFrameDecoder(int maxFrame, RelayMetrics metrics) {
        this.maxFrame = maxFrame;
        this.metrics = metrics;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int start = in.readerIndex();
            int kind = in.getUnsignedByte(start) & 0xC0;
            int length = in.getUnsignedShort(start + 2);
            int frame;
            if (kind == 0) {
                frame = 20 + length;
            } else if (kind == 0x40) {
                frame = 4 + ((length + 3) & ~3);
            } else {
                fail(ctx, in, "tcp-framing");
                return;
            }
            if (frame > maxFrame) {
                fail(ctx, in, "too-large");
                return;
            }
            if (in.readableBytes() < frame) {
                return;
            }
            out.add(in.readRetainedSlice(frame));
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        metrics.dropped(reason);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
