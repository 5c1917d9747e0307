package io.c2c.discovery.service;

import java.util.regex.Pattern;

/** Bounds and shapes of query inputs; every violation is a 400 problem naming the field. */
public final class QueryValidation {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:~-]{1,128}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private QueryValidation() {
    }

    public static String siteId(String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw ProblemException.badRequest("siteId must be 1..128 characters of [A-Za-z0-9._:~-]");
        }
        return value;
    }

    /** The asker's peer id; null or empty means "anonymous asker". */
    public static String near(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!ID.matcher(value).matches()) {
            throw ProblemException.badRequest("near must be a peer id of 1..128 characters of [A-Za-z0-9._:~-]");
        }
        return value;
    }

    public static String hash(String value) {
        if (value == null || !SHA256_HEX.matcher(value).matches()) {
            throw ProblemException.badRequest("asset hash must be 64 lowercase hex characters (SHA-256)");
        }
        return value;
    }

    public static int limit(Integer value, int defaultLimit, int maxLimit) {
        if (value == null) {
            return defaultLimit;
        }
        if (value < 1 || value > maxLimit) {
            throw ProblemException.badRequest("limit must be between 1 and " + maxLimit);
        }
        return value;
    }
}
