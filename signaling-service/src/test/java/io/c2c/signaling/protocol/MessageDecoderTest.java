package io.c2c.signaling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.contracts.event.Coordinate;
import io.c2c.signaling.protocol.in.ClientMessage;
import io.c2c.signaling.protocol.in.Drop;
import io.c2c.signaling.protocol.in.Find;
import io.c2c.signaling.protocol.in.Have;
import io.c2c.signaling.protocol.in.Hello;
import io.c2c.signaling.protocol.in.Join;
import io.c2c.signaling.protocol.in.Leave;
import io.c2c.signaling.protocol.in.Ping;
import io.c2c.signaling.protocol.in.Report;
import io.c2c.signaling.protocol.in.Signal;
import io.c2c.signaling.protocol.in.SignalKind;
import io.c2c.signaling.protocol.in.Stats;
import io.c2c.signaling.protocol.in.Status;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pure decoding logic, tested without Quarkus: a table of inputs and the message or error code each gives. */
class MessageDecoderTest {

    static final String PEER = "0123456789abcdef0123456789abcdef";
    static final String HASH = "ab".repeat(32);
    final MessageDecoder decoder = new MessageDecoder(4, 16);

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("{\"type\":\"hello\",\"site\":\"demo\"}", new Hello(null, "demo", null, null, 0)),
                Arguments.of("{\"type\":\"hello\",\"id\":\"1\",\"site\":\"demo\",\"peerId\":\"" + PEER + "\",\"resumeToken\":\"" + PEER
                        + "\",\"capabilities\":{\"uploadCapacity\":500,\"future\":true}}", new Hello("1", "demo", PEER, PEER, 500)),
                Arguments.of("{\"type\":\"join\",\"room\":\"a.b:c-d_e\"}", new Join(null, "a.b:c-d_e")),
                Arguments.of("{\"type\":\"leave\",\"room\":\"r\",\"extra\":[1]}", new Leave(null, "r")),
                Arguments.of("{\"type\":\"signal\",\"to\":\"" + PEER + "\",\"kind\":\"bye\"}", new Signal(null, PEER, SignalKind.BYE, null)),
                Arguments.of("{\"type\":\"have\",\"assets\":[\"" + HASH + "\"]}", new Have(null, List.of(HASH))),
                Arguments.of("{\"type\":\"drop\",\"assets\":[\"" + HASH + "\"]}", new Drop(null, List.of(HASH))),
                Arguments.of("{\"type\":\"find\",\"asset\":\"" + HASH + "\"}", new Find(null, HASH, 8)),
                Arguments.of("{\"type\":\"find\",\"asset\":\"" + HASH + "\",\"limit\":16}", new Find(null, HASH, 16)),
                Arguments.of("{\"type\":\"ping\",\"ts\":9007199254740993}", new Ping(null, 9007199254740993L)),
                Arguments.of("{\"type\":\"ping\"}", new Ping(null, null)),
                Arguments.of("{\"type\":\"stats\"}", new Stats(null, 0, 0, 0, Map.of(), Map.of())),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":0}", new Status(null, 0, 0, null)),
                Arguments.of("{\"type\":\"status\",\"id\":\"s1\",\"uploadCapacity\":10000000000,\"uploadRate\":5,"
                        + "\"coordinate\":{\"vector\":[1.5,-2,0,0,0,0,0,100000],\"height\":0.1,\"error\":1.5}}",
                        new Status("s1", 10_000_000_000L, 5, new Coordinate(List.of(1.5, -2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 100000.0), 0.1, 1.5))),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":7,\"coordinate\":null}", new Status(null, 7, 0, null)),
                Arguments.of("{\"type\":\"stats\",\"peerBytes\":1099511627776,\"originBytes\":5,\"uploadedBytes\":7,"
                        + "\"connections\":{\"host\":2,\"relay\":1},\"failures\":{\"bad-chunk\":1,\"peer-timeout\":3}}",
                        new Stats(null, 1L << 40, 5, 7, Map.of("host", 2L, "relay", 1L), Map.of("bad-chunk", 1L, "peer-timeout", 3L))),
                Arguments.of("{\"type\":\"report\",\"id\":\"r\",\"peerId\":\"" + PEER + "\",\"reason\":\"chunk-hash\"}", new Report("r", PEER, "chunk-hash")),
                Arguments.of("{\"type\":\"report\",\"peerId\":\"" + PEER + "\",\"reason\":\"protocol-violation\",\"detail\":1}", new Report(null, PEER, "protocol-violation")));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void decodes(String text, ClientMessage expected) {
        assertEquals(expected, decoder.decode(text));
    }

    @Test
    void signalPayloadIsKeptAsGiven() {
        Signal signal = (Signal) decoder.decode("{\"type\":\"signal\",\"to\":\"" + PEER + "\",\"kind\":\"offer\",\"payload\":{\"sdp\":\"v=0\",\"n\":[1,2]}}");
        assertEquals("{\"sdp\":\"v=0\",\"n\":[1,2]}", signal.payloadJson());
        Signal text = (Signal) decoder.decode("{\"type\":\"signal\",\"to\":\"" + PEER + "\",\"kind\":\"candidate\",\"payload\":\"c\"}");
        assertEquals("\"c\"", text.payloadJson());
        Signal spaced = (Signal) decoder.decode("{ \"payload\" : { \"a\" : [ 1 , {\"b\":\"}\\\"\"} ] } , \"type\":\"signal\",\"kind\":\"answer\",\"to\":\"" + PEER + "\"}");
        assertEquals("{ \"a\" : [ 1 , {\"b\":\"}\\\"\"} ] }", spaced.payloadJson());
    }

    /**
     * The signal fast path must accept exactly what the general path accepts, with the same payload:
     * random mutations of valid signals go through both, and either both refuse or both give the
     * same message (payloads compared as JSON, since the fast path keeps the sender's spacing).
     */
    @Test
    void signalFastPathAgreesWithTheGeneralPath() throws Exception {
        var json = MessageDecoder.json();
        String[] seeds = {
                "{\"type\":\"signal\",\"id\":\"m1\",\"to\":\"" + PEER + "\",\"kind\":\"offer\",\"payload\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\",\"c\":[1,2.5,null,true]}}",
                "{\"kind\":\"candidate\",\"payload\":{\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 5000 typ host\",\"sdpMid\":\"0\"},\"to\":\"" + PEER + "\",\"type\":\"signal\"}",
                "{\"type\":\"signal\",\"to\":\"" + PEER + "\",\"kind\":\"bye\",\"extra\":[{\"x\":1}]}"};
        String alphabet = "{}[]\":,0123456789.-eE truefalsnul\\u\"typesignalkindoffertopayloadbye";
        Random random = new Random(11);
        int fast = 0;
        for (int i = 0; i < 30_000; i++) {
            StringBuilder text = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            for (int m = random.nextInt(3); m >= 0 && text.length() > 0; m--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String input = i % 10 == 0 ? seeds[i % seeds.length] : text.toString();
            Signal quick = MessageDecoder.validSignal(input);
            ClientMessage general;
            try {
                general = decoder.decodeTree(input);
            } catch (ProtocolException refused) {
                assertNull(quick, "fast path accepted what the general path refuses: " + input);
                continue;
            }
            if (quick == null) {
                continue; // not a signal, or left to the general path
            }
            fast++;
            Signal slow = assertInstanceOf(Signal.class, general, input);
            assertEquals(new Signal(slow.id(), slow.to(), slow.kind(), null), new Signal(quick.id(), quick.to(), quick.kind(), null), input);
            if (slow.payloadJson() == null) {
                assertNull(quick.payloadJson(), input);
            } else {
                assertEquals(json.readTree(slow.payloadJson()), json.readTree(quick.payloadJson()), input);
            }
        }
        assertTrue(fast > 3_000, "the fast path decoded only " + fast + " signals");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("", ErrorCode.BAD_JSON),
                Arguments.of("nope", ErrorCode.BAD_JSON),
                Arguments.of("{\"type\":\"ping\"", ErrorCode.BAD_JSON),
                Arguments.of("\"text\"", ErrorCode.BAD_JSON),
                Arguments.of("null", ErrorCode.BAD_JSON),
                Arguments.of("{\"type\":\"ping\",\"type\":\"ping\"}", ErrorCode.BAD_JSON),
                Arguments.of("{\"a\":" + "[".repeat(40) + "]".repeat(40) + ",\"type\":\"ping\"}", ErrorCode.BAD_JSON),
                Arguments.of("{}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":null}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":[\"ping\"]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"PING\"}", ErrorCode.UNKNOWN_TYPE),
                Arguments.of("{\"type\":\"welcome\"}", ErrorCode.UNKNOWN_TYPE),
                Arguments.of("{\"type\":\"ping\",\"id\":5}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"hello\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"hello\",\"site\":\"\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"hello\",\"site\":\"" + "s".repeat(129) + "\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"hello\",\"site\":\"demo\",\"peerId\":\"" + PEER + "\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"hello\",\"site\":\"demo\",\"resumeToken\":\"" + PEER + "\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"hello\",\"site\":\"demo\",\"peerId\":\"" + PEER.toUpperCase() + "\",\"resumeToken\":\"" + PEER + "\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"hello\",\"site\":\"demo\",\"capabilities\":[]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"hello\",\"site\":\"demo\",\"capabilities\":{\"uploadCapacity\":-1}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"join\",\"room\":\"" + "r".repeat(65) + "\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"join\",\"room\":\"a/b\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"signal\",\"to\":\"" + PEER + "\",\"kind\":\"offer\",\"payload\":null}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"signal\",\"to\":\"" + PEER + "\",\"kind\":\"offer\",\"payload\":[1]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"signal\",\"to\":\"" + PEER + "\",\"kind\":1,\"payload\":{}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"signal\",\"kind\":\"offer\",\"payload\":{}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"have\",\"assets\":\"" + HASH + "\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"have\",\"assets\":[\"" + HASH.toUpperCase() + "\"]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"have\",\"assets\":[1]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"have\",\"assets\":[\"" + HASH + "\",\"" + HASH + "\",\"" + HASH + "\",\"" + HASH + "\",\"" + HASH + "\"]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"find\",\"asset\":\"" + HASH + "\",\"limit\":0}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"find\",\"asset\":\"" + HASH + "\",\"limit\":\"3\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"find\",\"asset\":\"" + HASH + "\",\"limit\":99999999999999999999}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"ping\",\"ts\":1.5}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"stats\",\"peerBytes\":-1}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":null}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":-1}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":10000000001}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"uploadRate\":1.5}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":[1]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":{\"vector\":[],\"height\":0,\"error\":0}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":{\"vector\":[1,2,3,4,5,6,7,8,9],\"height\":0,\"error\":0}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":{\"vector\":[\"1\"],\"height\":0,\"error\":0}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":{\"vector\":[100001],\"height\":0,\"error\":0}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":{\"vector\":[1e400],\"height\":0,\"error\":0}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":{\"vector\":[1],\"height\":-0.5,\"error\":0}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":{\"vector\":[1],\"error\":0}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"status\",\"uploadCapacity\":1,\"coordinate\":{\"vector\":[1],\"height\":0,\"error\":1.6}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"stats\",\"peerBytes\":1099511627777}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"stats\",\"originBytes\":\"5\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"stats\",\"connections\":{\"tcp\":1}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"stats\",\"connections\":[1]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"stats\",\"failures\":{\"Bad Reason\":1}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"stats\",\"failures\":{\"x\":1000001}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"stats\",\"failures\":{" + java.util.stream.IntStream.range(0, 17)
                        .mapToObj(i -> "\"r" + i + "\":1").collect(java.util.stream.Collectors.joining(",")) + "}}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"report\",\"reason\":\"chunk-hash\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"report\",\"peerId\":\"" + PEER + "\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"report\",\"peerId\":\"" + PEER + "\",\"reason\":\"CHUNK-HASH\"}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"report\",\"peerId\":\"" + PEER + "\",\"reason\":[\"chunk-hash\"]}", ErrorCode.INVALID_FIELD),
                Arguments.of("{\"type\":\"report\",\"peerId\":\"peer\",\"reason\":\"chunk-hash\"}", ErrorCode.INVALID_FIELD));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void refuses(String text, ErrorCode code) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.decode(text));
        assertEquals(code, e.code(), e.getMessage());
    }

    @Test
    void theIdOfAnUndecodableMessageIsRecoveredWhenReadable() {
        assertEquals("x1", MessageDecoder.idOf("{\"type\":\"dance\",\"id\":\"x1\"}"));
        assertNull(MessageDecoder.idOf("{\"id\":\"x1\""));
        assertNull(MessageDecoder.idOf("{\"id\":\"bad id\"}"));
    }

    @Test
    void randomBytesOnlyEverGiveProtocolExceptions() {
        Random random = new Random(7);
        String alphabet = "{}[]\":,0123456789.-eE truefalsnul\\u\"typehellojoinsignal";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                decoder.decode(text.toString());
            } catch (ProtocolException expected) {
                // the only acceptable failure
            }
        }
    }
}
