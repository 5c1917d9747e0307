package io.c2c.relay.protocol;

/**
 * The one exception the codec throws for malformed input: bad lengths, truncated attributes,
 * bad padding, wrong magic cookie, failed integrity or fingerprint checks. {@link #errorCode()}
 * is the STUN error code the server should answer with (400 unless the RFC says otherwise).
 */
public final class StunException extends Exception {

    /** {@link #errorCode()} of input that must be dropped without an answer (e.g. a bad FINGERPRINT). */
    public static final int DISCARD = 0;

    private final int errorCode;

    public StunException(String message) {
        this(400, message);
    }

    public StunException(int errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }
}
