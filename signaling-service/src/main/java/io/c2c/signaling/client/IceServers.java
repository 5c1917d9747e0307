package io.c2c.signaling.client;

import io.c2c.signaling.protocol.out.IceServer;
import java.util.List;

/** ICE servers for one peer and how long their credentials are valid. */
public record IceServers(List<IceServer> servers, long ttlSeconds) {
}
