package io.c2c.relay.protocol;

import java.util.ArrayList;
import java.util.List;

/** UNKNOWN-ATTRIBUTES (RFC 8489 section 14.13): the comprehension-required types a 420 answer names. */
public record UnknownAttributes(List<Integer> types) implements StunAttribute {

    public UnknownAttributes {
        types = List.copyOf(types);
    }

    public static UnknownAttributes decode(byte[] value) throws StunException {
        if ((value.length & 1) != 0) {
            throw new StunException("UNKNOWN-ATTRIBUTES of odd length " + value.length);
        }
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < value.length; i += 2) {
            types.add(StunMessage.readShort(value, i));
        }
        return new UnknownAttributes(types);
    }

    @Override
    public int type() {
        return AttributeType.UNKNOWN_ATTRIBUTES;
    }

    @Override
    public byte[] value(byte[] transactionId) {
        byte[] value = new byte[types.size() * 2];
        for (int i = 0; i < types.size(); i++) {
            StunMessage.writeShort(value, i * 2, types.get(i));
        }
        return value;
    }
}
