package io.c2c.relay.server;

import io.c2c.relay.allocation.Allocation;
import io.c2c.relay.allocation.FlushBatch;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/** Reads datagrams arriving at one allocation's relayed address and hands them to the server. */
final class PeerPacketHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final TurnServer server;
    private final Allocation allocation;

    PeerPacketHandler(TurnServer server, Allocation allocation) {
        this.server = server;
        this.allocation = allocation;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        server.onPeerPacket(allocation, packet);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        FlushBatch.flushAll();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors surface here as PortUnreachableException: count, keep the allocation.
        server.metrics().dropped("peer-socket-error");
    }
}
