package io.c2c.contracts;

/**
 * Thrown when a payload cannot be decoded: malformed JSON, an unknown type, a missing field or a
 * schema version this build does not understand. Consumers count and skip such records rather
 * than block a partition on them.
 */
public class UnsupportedSchemaException extends RuntimeException {

    public UnsupportedSchemaException(String message, Throwable cause) {
        super(message, cause);
    }

    public UnsupportedSchemaException(String message) {
        super(message);
    }
}
