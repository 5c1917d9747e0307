package io.c2c.relay.transport;

import io.c2c.relay.allocation.ClientConnection;
import io.c2c.relay.allocation.DirectSend;
import io.c2c.relay.allocation.FiveTuple;
import io.c2c.relay.allocation.FlushBatch;
import io.c2c.relay.allocation.Transport;
import io.c2c.relay.protocol.ChannelData;
import io.c2c.relay.server.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;

/** A UDP client: the shared listener socket plus the client's address. Cheap; made per STUN request. */
final class UdpClientConnection implements ClientConnection {

    /**
     * Where each event loop assembles an outgoing ChannelData message (header, then the peer's bytes) for a
     * direct send: one per thread, reused for every packet, so the hot path allocates and frees nothing.
     */
    private static final FastThreadLocal<ByteBuf> CHANNEL_DATA = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return Unpooled.directBuffer(ChannelData.HEADER_LENGTH + TurnServer.MAX_UDP_DATAGRAM);
        }

        @Override
        protected void onRemoval(ByteBuf buffer) {
            buffer.release();
        }
    };

    private final Channel listener;
    private final Socket listenerSocket;
    private final FiveTuple fiveTuple;

    UdpClientConnection(Channel listener, InetSocketAddress client, InetSocketAddress server) {
        this.listener = listener;
        this.listenerSocket = DirectSend.socketOf(listener);
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
    public boolean sendChannelData(int channelNumber, ByteBuf payload, int index, int length) {
        // length is at most TurnServer.MAX_UDP_DATAGRAM: longer reads are dropped before they get here.
        ByteBuf message = CHANNEL_DATA.get().clear();
        ChannelDataFrames.write(message, channelNumber, payload, index, length, false);
        switch (DirectSend.send(listener, listenerSocket, message, 0, message.readableBytes(), fiveTuple.client())) {
            case SENT:
                return true;
            case FAILED:
                return false;
            default:
                // the scratch buffer is reused: the channel gets a copy of its own
                sendBatched(listener.alloc().buffer(message.readableBytes()).writeBytes(message));
                return true;
        }
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
