package io.c2c.relay.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of RFC 5769 (pure codec, no Quarkus): each sample decodes, its
 * MESSAGE-INTEGRITY verifies with the given key and fails with any other, its FINGERPRINT
 * verifies, and the addresses come out as the RFC states.
 */
class Rfc5769VectorsTest {

    static final String SHORT_TERM_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    /** RFC 5769 section 2.1. */
    static final byte[] SAMPLE_REQUEST = hex(
            "000100582112a442b7e7a701bc34d686fa87dfae"
            + "802200105354554e207465737420636c69656e74"
            + "002400046e0001ff"
            + "80290008932ff9b151263b36"
            + "000600096576746a3a68367659202020"
            + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
            + "80280004e57a3bcf");

    /** RFC 5769 section 2.2. */
    static final byte[] SAMPLE_IPV4_RESPONSE = hex(
            "0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220"
            + "002000080001a147e112a643"
            + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004c07d4c96");

    /** RFC 5769 section 2.3. */
    static final byte[] SAMPLE_IPV6_RESPONSE = hex(
            "010100482112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220"
            + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
            + "80280004c8fb0b4c");

    /** RFC 5769 section 2.4. */
    static final byte[] SAMPLE_LONG_TERM_REQUEST = hex(
            "000100602112a44278ad3433c6ad72c029da412e"
            + "00060012e3839ee38388e383aae38383e382afe382b90000"
            + "0015001c662f2f3439396b39353464364f4c33346f4c39465354767936347341"
            + "0014000b6578616d706c652e6f726700"
            + "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666");

    static final String LONG_TERM_USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";

    static Stream<Arguments> vectors() {
        byte[] shortTermKey = SHORT_TERM_PASSWORD.getBytes(StandardCharsets.UTF_8);
        byte[] longTermKey = MessageIntegrity.longTermKey(LONG_TERM_USERNAME, "example.org", "TheMatrIX");
        return Stream.of(
                Arguments.of("2.1 sample request", SAMPLE_REQUEST, shortTermKey, StunMethod.BINDING, StunClass.REQUEST, true),
                Arguments.of("2.2 IPv4 response", SAMPLE_IPV4_RESPONSE, shortTermKey, StunMethod.BINDING, StunClass.SUCCESS, true),
                Arguments.of("2.3 IPv6 response", SAMPLE_IPV6_RESPONSE, shortTermKey, StunMethod.BINDING, StunClass.SUCCESS, true),
                Arguments.of("2.4 long-term request", SAMPLE_LONG_TERM_REQUEST, longTermKey, StunMethod.BINDING,
                        StunClass.REQUEST, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vectorDecodesAndVerifies(String name, byte[] bytes, byte[] key, int method, StunClass cls,
                                  boolean hasFingerprint) throws StunException {
        StunMessage message = StunMessage.decode(bytes);
        assertEquals(method, message.method());
        assertEquals(cls, message.messageClass());
        assertTrue(message.verifyIntegrity(key), "integrity with the right key");
        byte[] wrong = key.clone();
        wrong[0] ^= 1;
        assertFalse(message.verifyIntegrity(wrong), "integrity with a wrong key");
        assertEquals(hasFingerprint, message.has(AttributeType.FINGERPRINT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void anyFlippedBitIsCaught(String name, byte[] bytes, byte[] key, int method, StunClass cls,
                               boolean hasFingerprint) {
        // Flip one bit of the transaction id: integrity (and fingerprint, if present) must notice.
        byte[] tampered = bytes.clone();
        tampered[10] ^= 0x01;
        if (hasFingerprint) {
            StunException e = assertThrows(StunException.class, () -> StunMessage.decode(tampered));
            assertTrue(e.getMessage().contains("FINGERPRINT"), e.getMessage());
        } else {
            assertFalse(assertDoesNotThrowDecode(tampered).verifyIntegrity(key));
        }
    }

    @Test
    void sampleRequestAttributes() throws StunException {
        StunMessage message = StunMessage.decode(SAMPLE_REQUEST);
        assertEquals("STUN test client", Software.decode(message.attribute(AttributeType.SOFTWARE).value()).value());
        assertEquals("evtj:h6vY", Username.decode(message.attribute(AttributeType.USERNAME).value()).value());
        assertArrayEquals(hex("b7e7a701bc34d686fa87dfae"), message.transactionId());
    }

    @Test
    void ipv4ResponseAddress() throws Exception {
        StunMessage message = StunMessage.decode(SAMPLE_IPV4_RESPONSE);
        XorMappedAddress mapped = XorMappedAddress.decode(message.attribute(AttributeType.XOR_MAPPED_ADDRESS).value(),
                message.transactionId());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853), mapped.address());
        assertEquals("test vector", Software.decode(message.attribute(AttributeType.SOFTWARE).value()).value());
    }

    @Test
    void ipv6ResponseAddress() throws Exception {
        StunMessage message = StunMessage.decode(SAMPLE_IPV6_RESPONSE);
        XorMappedAddress mapped = XorMappedAddress.decode(message.attribute(AttributeType.XOR_MAPPED_ADDRESS).value(),
                message.transactionId());
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                mapped.address());
    }

    @Test
    void longTermRequestAttributes() throws StunException {
        StunMessage message = StunMessage.decode(SAMPLE_LONG_TERM_REQUEST);
        assertEquals(LONG_TERM_USERNAME, Username.decode(message.attribute(AttributeType.USERNAME).value()).value());
        assertEquals("f//499k954d6OL34oL9FSTvy64sA", Nonce.decode(message.attribute(AttributeType.NONCE).value()).value());
        assertEquals("example.org", Realm.decode(message.attribute(AttributeType.REALM).value()).value());
    }

    /** The encoder reproduces the long-term vector byte for byte (its padding is zero, as ours). */
    @Test
    void encoderReproducesLongTermRequest() throws StunException {
        StunMessage original = StunMessage.decode(SAMPLE_LONG_TERM_REQUEST);
        byte[] encoded = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST, original.transactionId())
                .add(new Username(LONG_TERM_USERNAME))
                .add(new Nonce("f//499k954d6OL34oL9FSTvy64sA"))
                .add(new Realm("example.org"))
                .integrity(MessageIntegrity.longTermKey(LONG_TERM_USERNAME, "example.org", "TheMatrIX"))
                .build();
        assertArrayEquals(SAMPLE_LONG_TERM_REQUEST, encoded);
    }

    /** The encoder's IPv4 response verifies with the same key and carries the same address as the RFC's. */
    @Test
    void encoderBuildsEquivalentIpv4Response() throws Exception {
        byte[] key = SHORT_TERM_PASSWORD.getBytes(StandardCharsets.UTF_8);
        StunMessage original = StunMessage.decode(SAMPLE_IPV4_RESPONSE);
        byte[] encoded = StunMessageBuilder.create(StunMethod.BINDING, StunClass.SUCCESS, original.transactionId())
                .add(new Software("test vector"))
                .add(new XorMappedAddress(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853)))
                .integrity(key)
                .buildWithFingerprint();
        assertEquals(SAMPLE_IPV4_RESPONSE.length, encoded.length);
        // Only the SOFTWARE padding byte (0x20 in the RFC, 0 here) and what depends on it may differ.
        assertArrayEquals(java.util.Arrays.copyOfRange(SAMPLE_IPV4_RESPONSE, 0, 35),
                java.util.Arrays.copyOfRange(encoded, 0, 35));
        assertArrayEquals(java.util.Arrays.copyOfRange(SAMPLE_IPV4_RESPONSE, 36, 48),
                java.util.Arrays.copyOfRange(encoded, 36, 48));
        StunMessage decoded = StunMessage.decode(encoded);
        assertTrue(decoded.verifyIntegrity(key));
    }

    private static StunMessage assertDoesNotThrowDecode(byte[] bytes) {
        try {
            return StunMessage.decode(bytes);
        } catch (StunException e) {
            throw new AssertionError("unexpected " + e.getMessage(), e);
        }
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
