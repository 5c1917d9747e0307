package io.c2c.relay.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven round trips and malformed values for every attribute class (pure codec). */
class AttributeCodecTest {

    static final byte[] TX = Rfc5769VectorsTest.hex("b7e7a701bc34d686fa87dfae");

    interface Decoder {
        StunAttribute decode(byte[] value) throws StunException;
    }

    static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Stream<Arguments> roundTrips() {
        return Stream.of(
                Arguments.of(new Username("alice:site:peer"), (Decoder) Username::decode),
                Arguments.of(new Realm("c2c.example"), (Decoder) Realm::decode),
                Arguments.of(new Nonce("0123456789abcdef"), (Decoder) Nonce::decode),
                Arguments.of(new Software("c2c-relay"), (Decoder) Software::decode),
                Arguments.of(new ErrorCode(438), (Decoder) ErrorCode::decode),
                Arguments.of(new ErrorCode(508, "Insufficient Capacity"), (Decoder) ErrorCode::decode),
                Arguments.of(new Lifetime(600), (Decoder) Lifetime::decode),
                Arguments.of(new Lifetime(0xFFFFFFFFL), (Decoder) Lifetime::decode),
                Arguments.of(new RequestedTransport(RequestedTransport.UDP), (Decoder) RequestedTransport::decode),
                Arguments.of(new ChannelNumber(0x4001), (Decoder) ChannelNumber::decode),
                Arguments.of(new UnknownAttributes(List.of(0x0003, 0x7FFF)), (Decoder) UnknownAttributes::decode),
                Arguments.of(new RequestedAddressFamily(RequestedAddressFamily.IPV4), (Decoder) RequestedAddressFamily::decode),
                Arguments.of(new EvenPort(true), (Decoder) EvenPort::decode),
                Arguments.of(new DontFragment(), (Decoder) DontFragment::decode),
                Arguments.of(new XorMappedAddress(addr("192.0.2.1", 32853)), (Decoder) v -> XorMappedAddress.decode(v, TX)),
                Arguments.of(new XorPeerAddress(addr("2001:db8::1", 3478)), (Decoder) v -> XorPeerAddress.decode(v, TX)),
                Arguments.of(new XorRelayedAddress(addr("127.0.0.1", 50000)), (Decoder) v -> XorRelayedAddress.decode(v, TX)),
                Arguments.of(new AlternateServer(addr("198.51.100.7", 3478)), (Decoder) AlternateServer::decode),
                Arguments.of(new AlternateServer(addr("2001:db8::7", 443)), (Decoder) AlternateServer::decode));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roundTrips")
    void roundTrip(StunAttribute attribute, Decoder decoder) throws StunException {
        byte[] message = StunMessageBuilder.create(StunMethod.ALLOCATE, StunClass.REQUEST, TX).add(attribute).build();
        StunMessage decoded = StunMessage.decode(message);
        assertEquals(attribute, decoder.decode(decoded.attribute(attribute.type()).value()));
        assertEquals(0, message.length % 4, "padded to 4");
    }

    @Test
    void dataRoundTrip() throws StunException {
        byte[] payload = {1, 2, 3, 4, 5};
        byte[] message = StunMessageBuilder.create(StunMethod.SEND, StunClass.INDICATION, TX).add(new Data(payload)).build();
        assertArrayEquals(payload, Data.decode(StunMessage.decode(message).attribute(AttributeType.DATA).value()).bytes());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("LIFETIME of 3 bytes", (Decoder) Lifetime::decode, new byte[3]),
                Arguments.of("LIFETIME of 5 bytes", (Decoder) Lifetime::decode, new byte[5]),
                Arguments.of("REQUESTED-TRANSPORT of 1 byte", (Decoder) RequestedTransport::decode, new byte[1]),
                Arguments.of("CHANNEL-NUMBER of 2 bytes", (Decoder) ChannelNumber::decode, new byte[2]),
                Arguments.of("ERROR-CODE of 3 bytes", (Decoder) ErrorCode::decode, new byte[3]),
                Arguments.of("ERROR-CODE class 7", (Decoder) ErrorCode::decode, new byte[] {0, 0, 7, 0}),
                Arguments.of("ERROR-CODE number 100", (Decoder) ErrorCode::decode, new byte[] {0, 0, 4, 100}),
                Arguments.of("UNKNOWN-ATTRIBUTES odd", (Decoder) UnknownAttributes::decode, new byte[3]),
                Arguments.of("USERNAME bad UTF-8", (Decoder) Username::decode, new byte[] {(byte) 0xC3, 0x28}),
                Arguments.of("USERNAME too long", (Decoder) Username::decode, new byte[514]),
                Arguments.of("REALM too long", (Decoder) Realm::decode, new byte[764]),
                Arguments.of("EVEN-PORT of 4 bytes", (Decoder) EvenPort::decode, new byte[4]),
                Arguments.of("DONT-FRAGMENT with a value", (Decoder) DontFragment::decode, new byte[1]),
                Arguments.of("REQUESTED-ADDRESS-FAMILY of 2 bytes", (Decoder) RequestedAddressFamily::decode, new byte[2]),
                Arguments.of("XOR address of 2 bytes", (Decoder) v -> XorPeerAddress.decode(v, TX), new byte[2]),
                Arguments.of("XOR address family 3", (Decoder) v -> XorPeerAddress.decode(v, TX), new byte[] {0, 3, 0, 0, 1, 2, 3, 4}),
                Arguments.of("XOR IPv4 of 12 bytes", (Decoder) v -> XorPeerAddress.decode(v, TX), new byte[] {0, 1, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0}),
                Arguments.of("XOR IPv6 of 8 bytes", (Decoder) v -> XorPeerAddress.decode(v, TX), new byte[] {0, 2, 0, 0, 1, 2, 3, 4}),
                Arguments.of("ALTERNATE-SERVER of 2 bytes", (Decoder) AlternateServer::decode, new byte[2]),
                Arguments.of("ALTERNATE-SERVER family 3", (Decoder) AlternateServer::decode, new byte[] {0, 3, 0, 0, 1, 2, 3, 4}),
                Arguments.of("ALTERNATE-SERVER IPv6 of 8 bytes", (Decoder) AlternateServer::decode, new byte[] {0, 2, 0, 0, 1, 2, 3, 4}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedValueIsTypedError(String name, Decoder decoder, byte[] value) {
        assertThrows(StunException.class, () -> decoder.decode(value));
    }

    static Stream<Arguments> malformedMessages() {
        byte[] valid = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, TX).add(new Lifetime(1)).build();
        byte[] badCookie = valid.clone();
        badCookie[4] = 0;
        byte[] topBits = valid.clone();
        topBits[0] |= (byte) 0x80;
        byte[] oddLength = valid.clone();
        oddLength[3] = 7;
        byte[] overrun = valid.clone();
        overrun[23] = 9; // LIFETIME claims 9 bytes inside an 8-byte body
        byte[] withFingerprint = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, TX).buildWithFingerprint();
        byte[] badFingerprint = withFingerprint.clone();
        badFingerprint[badFingerprint.length - 1] ^= 1;
        byte[] afterFingerprint = Arrays.copyOf(withFingerprint, withFingerprint.length + 4);
        afterFingerprint[3] += 4;
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("19-byte header", Arrays.copyOf(valid, 19)),
                Arguments.of("bad magic cookie", badCookie),
                Arguments.of("top bits set", topBits),
                Arguments.of("length not multiple of 4", oddLength),
                Arguments.of("truncated body", Arrays.copyOf(valid, valid.length - 4)),
                Arguments.of("trailing bytes", Arrays.copyOf(valid, valid.length + 4)),
                Arguments.of("attribute overruns body", overrun),
                Arguments.of("bad fingerprint", badFingerprint),
                Arguments.of("attribute after fingerprint", afterFingerprint),
                Arguments.of("too many attributes", tooManyAttributes()));
    }

    private static byte[] tooManyAttributes() {
        StunMessageBuilder b = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, TX);
        for (int i = 0; i <= StunMessage.MAX_ATTRIBUTES; i++) {
            b.add(new DontFragment());
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMessages")
    void malformedMessageIsTypedError(String name, byte[] bytes) {
        assertThrows(StunException.class, () -> StunMessage.decode(bytes));
    }

    @Test
    void messageTypeInterleavesMethodAndClass() {
        assertEquals(0x0001, new MessageType(StunMethod.BINDING, StunClass.REQUEST).encode());
        assertEquals(0x0101, new MessageType(StunMethod.BINDING, StunClass.SUCCESS).encode());
        assertEquals(0x0113, new MessageType(StunMethod.ALLOCATE, StunClass.ERROR).encode());
        assertEquals(0x0016, new MessageType(StunMethod.SEND, StunClass.INDICATION).encode());
        assertEquals(0x0017, new MessageType(StunMethod.DATA, StunClass.INDICATION).encode());
        for (int t = 0; t < 0x4000; t++) {
            assertEquals(t, MessageType.decode(t).encode());
        }
    }

    @Test
    void attributesAfterIntegrityAreIgnored() throws StunException {
        byte[] key = {1, 2, 3};
        byte[] signed = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, TX).add(new Lifetime(5))
                .integrity(key).add(new Software("sneaked in")).build();
        StunMessage decoded = StunMessage.decode(signed);
        assertEquals(null, decoded.attribute(AttributeType.SOFTWARE));
        assertEquals(true, decoded.hasIntegrity());
    }

    @Test
    void integritySha256RoundTrip() throws StunException {
        byte[] key = {9, 8, 7};
        byte[] signed = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, TX).add(new Lifetime(5))
                .integrity(key).integritySha256(key).buildWithFingerprint();
        StunMessage decoded = StunMessage.decode(signed);
        assertEquals(true, decoded.verifyIntegrity(key));
        assertEquals(true, decoded.verifyIntegritySha256(key));
        assertEquals(false, decoded.verifyIntegritySha256(new byte[] {9, 8, 6}));
    }
}
