package io.c2c.signaling.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.function.Supplier;

/** Adds Netty handlers to a signaling connection's pipeline while its upgrade is checked. */
final class ConnectionPipelines {

    private ConnectionPipelines() {
    }

    /**
     * Puts the handler at the head of the connection's pipeline unless one of that name is there already.
     * Vert.x's HTTP/1.1 connections are {@link ConnectionBase}; anything else (none today) is left as is.
     *
     * @return whether the handler was added
     */
    static boolean addFirstOnce(HttpConnection connection, String name, Supplier<ChannelHandler> handler) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get(name) == null) {
                pipeline.addFirst(name, handler.get());
                return true;
            }
        }
        return false;
    }
}
