package io.c2c.relay.protocol;

/**
 * An attribute as found in a decoded message: its type, value, and the offset of its header in
 * the message (integrity and fingerprint are computed over the bytes before it).
 */
public record RawAttribute(int type, byte[] value, int offset) {
}
