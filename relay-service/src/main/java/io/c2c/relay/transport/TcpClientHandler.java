package io.c2c.relay.transport;

import io.c2c.relay.allocation.FlushBatch;
import io.c2c.relay.server.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TURN-over-TCP client: hands whole frames to the server, ends the allocation when the
 * connection closes, and closes idle connections and those over the connection limit.
 */
final class TcpClientHandler extends ChannelInboundHandlerAdapter {

    private final TurnServer server;
    private final AtomicInteger connections;
    private final int maxConnections;
    private TcpClientConnection client;

    TcpClientHandler(TurnServer server, AtomicInteger connections, int maxConnections) {
        this.server = server;
        this.connections = connections;
        this.maxConnections = maxConnections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (connections.incrementAndGet() > maxConnections) {
            server.metrics().dropped("tcp-connection-limit");
            ctx.close();
            return;
        }
        client = new TcpClientConnection(ctx.channel(), server.metrics());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (client == null) {
                return;
            }
            if ((frame.getUnsignedByte(frame.readerIndex()) & 0xC0) == 0x40) {
                server.onChannelData(client, frame);
            } else {
                server.onStun(client, ByteBufUtil.getBytes(frame));
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        FlushBatch.flushAll();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connections.decrementAndGet();
        if (client != null) {
            server.onClientClosed(client);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            server.metrics().dropped("tcp-idle");
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
