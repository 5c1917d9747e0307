package io.c2c.relay.transport;

import io.c2c.relay.allocation.ClientConnection;
import io.c2c.relay.allocation.FiveTuple;
import io.c2c.relay.allocation.FlushBatch;
import io.c2c.relay.allocation.Transport;
import io.c2c.relay.server.RelayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * A TCP client connection. Writes to a client that does not read are dropped once the channel's
 * write buffer passes its high-water mark, so a stalled client cannot make the server buffer
 * without bound.
 */
final class TcpClientConnection implements ClientConnection {

    private final Channel channel;
    private final FiveTuple fiveTuple;
    private final RelayMetrics metrics;

    TcpClientConnection(Channel channel, RelayMetrics metrics) {
        this.channel = channel;
        this.metrics = metrics;
        this.fiveTuple = new FiveTuple(Transport.TCP, (InetSocketAddress) channel.remoteAddress(),
                (InetSocketAddress) channel.localAddress());
    }

    @Override
    public FiveTuple fiveTuple() {
        return fiveTuple;
    }

    @Override
    public void send(ByteBuf message) {
        if (!channel.isWritable()) {
            message.release();
            metrics.dropped("tcp-backpressure");
            return;
        }
        channel.writeAndFlush(message, channel.voidPromise());
    }

    @Override
    public void sendBatched(ByteBuf message) {
        if (!channel.isWritable()) {
            message.release();
            metrics.dropped("tcp-backpressure");
            return;
        }
        FlushBatch.write(channel, message);
    }

    @Override
    public boolean sendChannelData(int channelNumber, ByteBuf payload, int index, int length) {
        // On streams ChannelData is padded to a multiple of 4 (RFC 8656 section 12.5).
        ByteBuf out = channel.alloc().buffer(ChannelDataFrames.size(length, true));
        ChannelDataFrames.write(out, channelNumber, payload, index, length, true);
        sendBatched(out);
        return true;
    }

    @Override
    public boolean isStream() {
        return true;
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public void close() {
        channel.close();
    }
}
