package io.c2c.relay.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ChannelData framing (RFC 8656 section 12.4) and stream frame lengths (pure codec). */
class ChannelDataTest {

    @Test
    void unpaddedAndPaddedRoundTrip() throws StunException {
        byte[] payload = {1, 2, 3, 4, 5};
        byte[] udp = new ChannelData(0x4000, payload).encode(false);
        byte[] tcp = new ChannelData(0x4000, payload).encode(true);
        assertEquals(9, udp.length);
        assertEquals(12, tcp.length);
        assertArrayEquals(payload, ChannelData.decode(udp, 0, udp.length).payload());
        assertArrayEquals(payload, ChannelData.decode(tcp, 0, tcp.length).payload());
        assertEquals(12, ChannelData.streamFrameLength(tcp, 0, 4));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("3 bytes", new byte[] {0x40, 0, 0}),
                Arguments.of("channel 0x3FFF", new byte[] {0x3F, (byte) 0xFF, 0, 0}),
                Arguments.of("channel 0x8000", new byte[] {(byte) 0x80, 0, 0, 0}),
                Arguments.of("length beyond bytes", new byte[] {0x40, 0, 0, 8, 1, 2, 3, 4}),
                Arguments.of("too many trailing bytes", new byte[] {0x40, 0, 0, 0, 1, 2, 3, 4}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedIsTypedError(String name, byte[] bytes) {
        assertThrows(StunException.class, () -> ChannelData.decode(bytes, 0, bytes.length));
    }

    static Stream<Arguments> headers() {
        return Stream.of(
                Arguments.of("empty payload", 0x4000, 0, 4, true),
                Arguments.of("payload fills the datagram", 0x4001, 100, 104, true),
                Arguments.of("padding after the payload", 0x4001, 5, 12, true),
                Arguments.of("highest RFC 5766 channel", 0x7FFF, 1, 5, true),
                Arguments.of("shorter than a header", 0x4000, 0, 3, false),
                Arguments.of("length one beyond the bytes", 0x4000, 101, 104, false),
                Arguments.of("length 0xFFFF in a small datagram", 0x4000, 0xFFFF, 1004, false),
                Arguments.of("channel below the range", 0x3FFF, 0, 4, false),
                Arguments.of("channel above the range", 0x8000, 0, 4, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void hotPathHeaderCheckAgreesWithDecode(String name, int channel, int length, int available, boolean wellFormed) {
        assertEquals(wellFormed, ChannelData.isWellFormedHeader(channel, length, available));
        // Where the header check passes and the padding is legal, the full decoder accepts the same bytes.
        if (available >= 4 && available - 4 - Math.min(length, available) <= 3) {
            byte[] bytes = new byte[available];
            StunMessage.writeShort(bytes, 0, channel);
            StunMessage.writeShort(bytes, 2, length);
            boolean decodes;
            try {
                ChannelData.decode(bytes, 0, bytes.length);
                decodes = true;
            } catch (StunException e) {
                decodes = false;
            }
            assertEquals(wellFormed, decodes);
        }
    }

    @Test
    void streamFrameLengths() throws StunException {
        byte[] stun = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, StunMessageBuilder.newTransactionId())
                .add(new Software("x")).build();
        assertEquals(stun.length, ChannelData.streamFrameLength(stun, 0, stun.length));
        assertEquals(-1, ChannelData.streamFrameLength(stun, 0, 3));
        assertThrows(StunException.class, () -> ChannelData.streamFrameLength(new byte[] {(byte) 0x80, 0, 0, 0}, 0, 4));
    }
}
