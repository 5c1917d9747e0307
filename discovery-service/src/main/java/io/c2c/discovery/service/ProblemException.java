package io.c2c.discovery.service;

/**
 * A request that cannot be answered, with the HTTP status and the problem details (RFC 9457)
 * that tell the caller why. Thrown by validation and routing, rendered by the REST layer.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final Integer retryAfterSeconds;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    public ProblemException(int status, String title, String detail, Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad request", detail);
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, "Owner unavailable", detail, 1);
    }
}
