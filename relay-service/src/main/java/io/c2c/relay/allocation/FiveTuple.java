package io.c2c.relay.allocation;

import java.net.InetSocketAddress;

/** Client address, server address and transport: the key of an allocation (RFC 8656 section 2.2). */
public record FiveTuple(Transport transport, InetSocketAddress client, InetSocketAddress server) {
}
