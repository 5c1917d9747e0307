package io.c2c.relay.allocation;

/** The transport between client and server of a 5-tuple. */
public enum Transport { UDP, TCP }
