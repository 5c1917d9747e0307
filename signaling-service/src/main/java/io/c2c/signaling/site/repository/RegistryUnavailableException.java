package io.c2c.signaling.site.repository;

/** The durable registry (Kafka) did not accept a write in time; nothing was acknowledged to the caller. */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
