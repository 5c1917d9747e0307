package io.c2c.relay.transport;

import io.c2c.relay.allocation.FlushBatch;
import io.c2c.relay.server.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Demultiplexes datagrams on the STUN/TURN UDP port by their first two bits (RFC 8656 section
 * 12.5 / RFC 7983): 00 is STUN, 01 is ChannelData, anything else is dropped and counted, as is a
 * datagram over {@link TurnServer#MAX_UDP_DATAGRAM} bytes.
 */
final class UdpPacketHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final TurnServer server;
    private final InetSocketAddress local;

    UdpPacketHandler(TurnServer server, InetSocketAddress local) {
        this.server = server;
        this.local = local;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (length < 4 || length > TurnServer.MAX_UDP_DATAGRAM) {
            // Longer reads filled their slot and may have been truncated: dropped, never relayed cut short.
            server.metrics().dropped(length < 4 ? "malformed" : "too-large");
            return;
        }
        int kind = content.getUnsignedByte(content.readerIndex()) & 0xC0;
        if (kind == 0x40) {
            server.onUdpChannelData(packet.sender(), content);
        } else if (kind == 0) {
            server.onStun(new UdpClientConnection(ctx.channel(), packet.sender(), local), ByteBufUtil.getBytes(content));
        } else {
            server.metrics().dropped("not-stun");
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        FlushBatch.flushAll();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        server.metrics().dropped("listener-error");
    }
}
