package io.c2c.relay.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzz-style checks of the pure codec with a fixed seed (reproducible, bounded): random,
 * truncated and mutated packets only ever raise {@link StunException}; whatever decodes
 * re-encodes to a message that decodes to the same attributes.
 */
class CodecFuzzTest {

    private static final int ITERATIONS = 20_000;

    private final SplittableRandom random = new SplittableRandom(0xC2C);

    private List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(Rfc5769VectorsTest.SAMPLE_REQUEST);
        seeds.add(Rfc5769VectorsTest.SAMPLE_IPV4_RESPONSE);
        seeds.add(Rfc5769VectorsTest.SAMPLE_IPV6_RESPONSE);
        seeds.add(Rfc5769VectorsTest.SAMPLE_LONG_TERM_REQUEST);
        byte[] tx = StunMessageBuilder.newTransactionId();
        seeds.add(StunMessageBuilder.create(StunMethod.ALLOCATE, StunClass.REQUEST, tx)
                .add(new RequestedTransport(17)).add(new Lifetime(600)).add(new Username("1:s:p"))
                .add(new Realm("r")).add(new Nonce("n")).integrity(new byte[16]).buildWithFingerprint());
        seeds.add(StunMessageBuilder.create(StunMethod.SEND, StunClass.INDICATION, tx)
                .add(new XorPeerAddress(new InetSocketAddress("127.0.0.1", 9))).add(new Data(new byte[33])).build());
        seeds.add(StunMessageBuilder.create(StunMethod.ALLOCATE, StunClass.ERROR, tx)
                .add(new ErrorCode(420)).add(new UnknownAttributes(List.of(0x1234))).build());
        return seeds;
    }

    @Test
    void randomBytesOnlyRaiseTypedException() {
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] bytes = new byte[random.nextInt(0, 200)];
            random.nextBytes(bytes);
            if (random.nextBoolean() && bytes.length >= 8) {
                // Give a good share of packets a valid cookie and length so decoding goes deeper.
                bytes[0] &= 0x3F;
                StunMessage.writeInt(bytes, 4, StunMessage.MAGIC_COOKIE);
                StunMessage.writeShort(bytes, 2, Math.max(0, bytes.length - 20) & ~3);
            }
            decodeAnything(bytes);
        }
    }

    @Test
    void truncatedAndMutatedPacketsOnlyRaiseTypedException() {
        List<byte[]> seeds = seeds();
        int decodedMutants = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] seed = seeds.get(random.nextInt(seeds.size()));
            byte[] mutant = switch (random.nextInt(4)) {
                case 0 -> Arrays.copyOf(seed, random.nextInt(seed.length + 1));
                case 1 -> flipBytes(seed.clone(), 1 + random.nextInt(4));
                case 2 -> withLength(seed.clone());
                default -> Arrays.copyOf(seed, seed.length + 4 * random.nextInt(1, 4));
            };
            if (decodeAnything(mutant)) {
                decodedMutants++;
            }
        }
        assertTrue(decodedMutants > 0, "some mutants decode, so the round trip check ran");
    }

    @Test
    void decodeEncodeDecodeIsStable() throws StunException {
        for (byte[] seed : seeds()) {
            // Integrity and fingerprint cover padding bytes, which the encoder normalises to zero:
            // they are recomputed, not copied.
            StunMessage first = StunMessage.decode(seed);
            List<RawAttribute> plain = first.attributes().stream().filter(a -> !isTrailer(a.type())).toList();
            StunMessageBuilder b = StunMessageBuilder.create(first.type(), first.transactionId());
            plain.forEach(a -> b.addRaw(a.type(), a.value()));
            byte[] key = {1, 2, 3};
            StunMessage second = StunMessage.decode(b.integrity(key).buildWithFingerprint());
            assertEquals(first.type(), second.type());
            assertTrue(second.verifyIntegrity(key));
            List<RawAttribute> again = second.attributes().stream().filter(a -> !isTrailer(a.type())).toList();
            assertEquals(plain.size(), again.size());
            for (int i = 0; i < plain.size(); i++) {
                assertEquals(plain.get(i).type(), again.get(i).type());
                assertArrayEquals(plain.get(i).value(), again.get(i).value());
            }
        }
    }

    private static boolean isTrailer(int type) {
        return type == AttributeType.MESSAGE_INTEGRITY || type == AttributeType.MESSAGE_INTEGRITY_SHA256
                || type == AttributeType.FINGERPRINT;
    }

    private byte[] flipBytes(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
    }

    private byte[] withLength(byte[] b) {
        // Corrupt an attribute length field (or the header length) to exercise bounds checks.
        int pos = random.nextBoolean() ? 2 : 20 + 2 + 4 * random.nextInt(Math.max(1, (b.length - 24) / 4));
        if (pos + 1 < b.length) {
            StunMessage.writeShort(b, pos, random.nextInt(0x10000));
        }
        return b;
    }

    /** Decodes with every attribute decoder; true if the message decoded. Fails on any other throwable. */
    private boolean decodeAnything(byte[] bytes) {
        try {
            ChannelData.decode(bytes, 0, bytes.length);
        } catch (StunException expected) {
            // typed
        } catch (RuntimeException e) {
            fail("ChannelData threw " + e, e);
        }
        StunMessage message;
        try {
            message = StunMessage.decode(bytes);
        } catch (StunException expected) {
            return false;
        } catch (RuntimeException e) {
            fail("decode threw " + e + " on " + java.util.HexFormat.of().formatHex(bytes), e);
            return false;
        }
        byte[] tx = message.transactionId();
        for (RawAttribute a : message.attributes()) {
            try {
                switch (a.type()) {
                    case AttributeType.USERNAME -> Username.decode(a.value());
                    case AttributeType.REALM -> Realm.decode(a.value());
                    case AttributeType.NONCE -> Nonce.decode(a.value());
                    case AttributeType.SOFTWARE -> Software.decode(a.value());
                    case AttributeType.ERROR_CODE -> ErrorCode.decode(a.value());
                    case AttributeType.LIFETIME -> Lifetime.decode(a.value());
                    case AttributeType.REQUESTED_TRANSPORT -> RequestedTransport.decode(a.value());
                    case AttributeType.CHANNEL_NUMBER -> ChannelNumber.decode(a.value());
                    case AttributeType.UNKNOWN_ATTRIBUTES -> UnknownAttributes.decode(a.value());
                    case AttributeType.XOR_PEER_ADDRESS -> XorPeerAddress.decode(a.value(), tx);
                    case AttributeType.XOR_MAPPED_ADDRESS -> XorMappedAddress.decode(a.value(), tx);
                    case AttributeType.XOR_RELAYED_ADDRESS -> XorRelayedAddress.decode(a.value(), tx);
                    case AttributeType.DATA -> Data.decode(a.value());
                    default -> { }
                }
            } catch (StunException expected) {
                // typed
            } catch (RuntimeException e) {
                fail("attribute 0x" + Integer.toHexString(a.type()) + " threw " + e, e);
            }
        }
        message.verifyIntegrity(new byte[16]);
        message.verifyIntegritySha256(new byte[16]);
        return true;
    }
}
