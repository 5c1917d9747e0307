package io.c2c.contracts;

/**
 * Schema versions of the contract types. A consumer accepts the versions it knows and rejects the
 * rest with {@link UnsupportedSchemaException}; a breaking change bumps the version and ships the
 * consumer first.
 */
public final class SchemaVersions {

    public static final int PEER_EVENT = 1;
    public static final int SITE_RECORD = 1;
    public static final int MANIFEST = 1;

    private SchemaVersions() {
    }

    public static void require(int expected, int actual, String type) {
        if (actual != expected) {
            throw new UnsupportedSchemaException(
                    type + " schema version " + actual + " is not supported (this build reads " + expected + ")");
        }
    }
}
