package io.c2c.signaling.protocol.in;

/** A decoded message from a client. {@link #id} is the client's optional correlation id, echoed as {@code re}. */
public sealed interface ClientMessage permits Hello, Join, Leave, Signal, Have, Drop, Find, Ping, Stats, Status, Report {

    String id();
}
