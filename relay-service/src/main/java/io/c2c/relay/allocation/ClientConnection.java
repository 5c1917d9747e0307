package io.c2c.relay.allocation;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;

/**
 * The way back to a client: a UDP listener plus the client's address, or a TCP connection.
 * Transport code implements it; server code answers through it without knowing which.
 */
public interface ClientConnection {

    FiveTuple fiveTuple();

    /** Sends one whole message (STUN or ChannelData); takes ownership of {@code message}. */
    void send(ByteBuf message);

    /**
     * Sends one relayed message without flushing; the read handler on this event loop flushes
     * at the end of its batch ({@link FlushBatch}). Hot path only.
     */
    void sendBatched(ByteBuf message);

    /**
     * Sends a ChannelData message on {@code channelNumber} carrying bytes {@code [index, index + length)} of
     * {@code payload} (padded on streams); the caller keeps {@code payload}. Hot path: no flush before the end
     * of the read batch, or none at all when the datagram goes straight to the socket ({@link DirectSend}).
     * False when the socket refused it (the caller counts the drop).
     */
    boolean sendChannelData(int channelNumber, ByteBuf payload, int index, int length);

    /** True on stream transports, where ChannelData is padded to a multiple of 4. */
    boolean isStream();

    ByteBufAllocator alloc();

    /** Closes a stream connection (after a framing error); nothing on UDP. */
    void close();

    /** The event loop this client's packets are handled on; relay sockets register there too. */
    EventLoop eventLoop();
}
