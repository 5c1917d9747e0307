package io.c2c.relay.transport;

import io.c2c.relay.allocation.ClientConnection;
import io.c2c.relay.allocation.FiveTuple;
import io.c2c.relay.allocation.FlushBatch;
import io.c2c.relay.allocation.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/** A UDP client: the shared listener socket plus the client's address. Cheap; made per packet. */
final class UdpClientConnection implements ClientConnection {

    private final Channel listener;
    private final FiveTuple fiveTuple;

    UdpClientConnection(Channel listener, InetSocketAddress client, InetSocketAddress server) {
        this.listener = listener;
        this.fiveTuple = new FiveTuple(Transport.UDP, client, server);
    }

    @Override
    public FiveTuple fiveTuple() {
        return fiveTuple;
    }

    @Override
    public void send(ByteBuf message) {
        listener.writeAndFlush(new DatagramPacket(message, fiveTuple.client()), listener.voidPromise());
    }

    @Override
    public void sendBatched(ByteBuf message) {
        FlushBatch.write(listener, new DatagramPacket(message, fiveTuple.client()));
    }

    @Override
    public boolean isStream() {
        return false;
    }

    @Override
    public ByteBufAllocator alloc() {
        return listener.alloc();
    }

    @Override
    public EventLoop eventLoop() {
        return listener.eventLoop();
    }

    @Override
    public void close() {
        // nothing to close: the listener is shared
    }
}
