package io.c2c.relay.protocol;

/**
 * ERROR-CODE (RFC 8489 section 14.8): a code 300..699 as class (hundreds) and number, with a
 * UTF-8 reason phrase of at most 763 bytes. Constants are the codes this server answers with.
 */
public record ErrorCode(int code, String reason) implements StunAttribute {

    public static final int TRY_ALTERNATE = 300;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHORIZED = 401;
    public static final int FORBIDDEN = 403;
    public static final int UNKNOWN_ATTRIBUTE = 420;
    public static final int ALLOCATION_MISMATCH = 437;
    public static final int STALE_NONCE = 438;
    public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
    public static final int WRONG_CREDENTIALS = 441;
    public static final int UNSUPPORTED_TRANSPORT_PROTOCOL = 442;
    public static final int PEER_ADDRESS_FAMILY_MISMATCH = 443;
    public static final int ALLOCATION_QUOTA_REACHED = 486;
    public static final int SERVER_ERROR = 500;
    public static final int INSUFFICIENT_CAPACITY = 508;

    public static final int MAX_REASON_BYTES = 763;

    public ErrorCode {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code out of range: " + code);
        }
        Text.encode("ERROR-CODE reason", reason, MAX_REASON_BYTES);
    }

    public ErrorCode(int code) {
        this(code, defaultReason(code));
    }

    public static ErrorCode decode(byte[] value) throws StunException {
        if (value.length < 4) {
            throw new StunException("ERROR-CODE too short: " + value.length);
        }
        int cls = value[2] & 0x07;
        int number = value[3] & 0xFF;
        if (cls < 3 || cls > 6 || number > 99) {
            throw new StunException("ERROR-CODE out of range: class " + cls + " number " + number);
        }
        byte[] reason = java.util.Arrays.copyOfRange(value, 4, value.length);
        return new ErrorCode(cls * 100 + number, Text.decode("ERROR-CODE reason", reason, MAX_REASON_BYTES));
    }

    @Override
    public int type() {
        return AttributeType.ERROR_CODE;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        byte[] text = Text.encode("ERROR-CODE reason", reason, MAX_REASON_BYTES);
        byte[] value = new byte[4 + text.length];
        value[2] = (byte) (code / 100);
        value[3] = (byte) (code % 100);
        System.arraycopy(text, 0, value, 4, text.length);
        return value;
    }

    public static String defaultReason(int code) {
        return switch (code) {
            case TRY_ALTERNATE -> "Try Alternate";
            case BAD_REQUEST -> "Bad Request";
            case UNAUTHORIZED -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case UNKNOWN_ATTRIBUTE -> "Unknown Attribute";
            case ALLOCATION_MISMATCH -> "Allocation Mismatch";
            case STALE_NONCE -> "Stale Nonce";
            case ADDRESS_FAMILY_NOT_SUPPORTED -> "Address Family not Supported";
            case WRONG_CREDENTIALS -> "Wrong Credentials";
            case UNSUPPORTED_TRANSPORT_PROTOCOL -> "Unsupported Transport Protocol";
            case PEER_ADDRESS_FAMILY_MISMATCH -> "Peer Address Family Mismatch";
            case ALLOCATION_QUOTA_REACHED -> "Allocation Quota Reached";
            case SERVER_ERROR -> "Server Error";
            case INSUFFICIENT_CAPACITY -> "Insufficient Capacity";
            default -> "Error";
        };
    }
}
