package io.c2c.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.contracts.event.AssetsAnnounced;
import io.c2c.contracts.event.AssetsWithdrawn;
import io.c2c.contracts.event.Coordinate;
import io.c2c.contracts.event.NetworkPosition;
import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerHeartbeat;
import io.c2c.contracts.event.PeerJoined;
import io.c2c.contracts.event.PeerLeft;
import io.c2c.contracts.event.PeerReported;
import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.Manifest;
import io.c2c.contracts.site.ManifestFile;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SiteSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Pure JSON mapping; no Quarkus needed because contracts must stay framework-free. */
class ContractJsonRoundTripTest {

    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "0123456789abcdef".repeat(4);
    private static final long T = 1_790_000_000_000L;

    static Stream<Arguments> events() {
        NetworkPosition position = new NetworkPosition("203.0.113.0/24", 64500, "DE", "eu-central");
        return Stream.of(
                Arguments.of(PeerJoined.TYPE, PeerJoined.of("site-1", "peer-1", T, "pod-a", position, 1000)),
                Arguments.of(PeerLeft.TYPE, PeerLeft.of("site-1", "peer-1", T, "expired")),
                Arguments.of(AssetsAnnounced.TYPE, AssetsAnnounced.of("site-1", "peer-1", T, List.of(HASH_A, HASH_B))),
                Arguments.of(AssetsWithdrawn.TYPE, AssetsWithdrawn.of("site-1", "peer-1", T, List.of(HASH_B))),
                Arguments.of(PeerHeartbeat.TYPE, PeerHeartbeat.of("site-1", "peer-1", T, "pod-b", position,
                        new Coordinate(List.of(1.5, -2.0, 0.25), 3.0, 0.4), 2000, 10, List.of(HASH_A))),
                Arguments.of(PeerReported.TYPE, PeerReported.of("site-1", "peer-1", T, "peer-2", PeerReported.CHUNK_HASH)));
    }

    @Test
    void coordinatesDecodeToExactlyTheNumbersWritten() {
        // The mapper parses fractions with Jackson's fast double parser: it must give the same double
        // as Double.parseDouble for what browsers and Java write, extremes and hand-written forms included.
        java.util.Random random = new java.util.Random(42);
        for (int n = 0; n < 2_000; n++) {
            List<Double> vector = new java.util.ArrayList<>();
            for (int d = 0; d < 8; d++) {
                vector.add(switch ((n + d) % 6) {
                    case 0 -> random.nextDouble() * 400 - 200;
                    case 1 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (random.nextBoolean() ? 1 : -1);
                    case 2 -> Double.MIN_VALUE * random.nextInt(1000);
                    case 3 -> Math.scalb(random.nextDouble(), random.nextInt(200) - 100);
                    case 4 -> (double) random.nextInt(1000);
                    default -> Math.nextUp(random.nextGaussian());
                });
            }
            PeerHeartbeat event = PeerHeartbeat.of("site-1", "peer-1", T, "pod-b", NetworkPosition.UNKNOWN,
                    new Coordinate(vector, Math.abs(vector.get(0)), 0.1), 0, 0, List.of());
            assertEquals(event, PeerEvent.decode(PeerEvent.encode(event)));
        }
        String[] written = {"0.1", "1e-3", "-2.5E+2", "12345678901234567890.5", "4.9e-324", "1.7976931348623157e308",
                "0.30000000000000004", "123.456000000000000000001"};
        for (String number : written) {
            String json = "{\"type\":\"peer-heartbeat\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\","
                    + "\"occurredAt\":1,\"podId\":\"x\",\"coordinate\":{\"vector\":[" + number + "],\"height\":0,"
                    + "\"error\":0},\"uploadCapacityBytesPerSecond\":0,\"uploadLoadBytesPerSecond\":0}";
            PeerHeartbeat decoded = (PeerHeartbeat) PeerEvent.decode(json.getBytes(StandardCharsets.UTF_8));
            assertEquals(Double.parseDouble(number), decoded.coordinate().vector().get(0), number);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void peerEventRoundTripsWithTypeAndVersion(String type, PeerEvent event) throws Exception {
        byte[] bytes = PeerEvent.encode(event);

        JsonNode tree = ContractJson.mapper().readTree(bytes);
        assertEquals(type, tree.get("type").asText());
        assertEquals(SchemaVersions.PEER_EVENT, tree.get("schemaVersion").asInt());
        assertEquals(event, PeerEvent.decode(bytes));
    }

    @Test
    void siteRecordRoundTrips() throws Exception {
        SiteRecord site = SiteRecord.of("site-1", "owner-1",
                List.of(new DomainClaim("www.example.com", true, T), new DomainClaim("xn--bcher-kva.example", false, 0)),
                "https://origin.example.com", new SiteSettings(true, 500_000, 1 << 20, List.of("/static/")),
                "m-123", 7, T);

        byte[] bytes = SiteRecord.encode(site);

        assertEquals(SchemaVersions.SITE_RECORD, ContractJson.mapper().readTree(bytes).get("schemaVersion").asInt());
        assertEquals(site, SiteRecord.decode(bytes));
    }

    @Test
    void unknownFieldsFromANewerProducerAreIgnored() {
        String json = "{\"type\":\"peer-left\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\","
                + "\"occurredAt\":5,\"reason\":\"closed\",\"addedLater\":{\"x\":1}}";

        assertEquals(PeerLeft.of("s", "p", 5, "closed"), PeerEvent.decode(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "null",
            "not json",
            "[]",
            "{}",
            "{\"type\":\"peer-teleported\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5}",
            "{\"type\":\"peer-left\",\"schemaVersion\":2,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5}",
            "{\"type\":\"peer-left\",\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5}",
            "{\"type\":\"peer-left\",\"schemaVersion\":1,\"peerId\":\"p\",\"occurredAt\":5}",
            "{\"type\":\"peer-left\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":-1}",
            "{\"type\":\"assets-announced\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"assets\":[\"NOT-A-HASH\"]}",
            "{\"type\":\"assets-announced\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"assets\":[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"]}",
            "{\"type\":\"assets-announced\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"assets\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag\"]}",
            "{\"type\":\"peer-heartbeat\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"podId\":\"x\",\"coordinate\":{\"vector\":[1,2],\"height\":-1,\"error\":0.1}}",
            "{\"type\":\"peer-left\",\"schemaVersion\":\"one\",\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5}",
            "{\"type\":\"peer-reported\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"reason\":\"chunk-hash\"}",
            "{\"type\":\"peer-reported\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"reporterId\":\"p\",\"reason\":\"chunk-hash\"}",
            "{\"type\":\"peer-reported\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"reporterId\":\"q\",\"reason\":\"Chunk Hash!\"}",
            "{\"type\":\"peer-reported\",\"schemaVersion\":1,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"reporterId\":\"q\",\"reason\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
            "{\"type\":\"peer-reported\",\"schemaVersion\":2,\"siteId\":\"s\",\"peerId\":\"p\",\"occurredAt\":5,"
                    + "\"reporterId\":\"q\",\"reason\":\"chunk-hash\"}",
    })
    void malformedOrUnknownPayloadsFailWithOneTypedException(String json) {
        assertThrows(UnsupportedSchemaException.class,
                () -> PeerEvent.decode(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void nullPayloadIsRejected() {
        assertThrows(UnsupportedSchemaException.class, () -> PeerEvent.decode(null));
        assertThrows(UnsupportedSchemaException.class, () -> SiteRecord.decode(null));
    }

    @Test
    void tooManyAssetsInOneEventAreRejected() {
        List<String> many = Stream.generate(() -> HASH_A).limit(4097).toList();

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> AssetsAnnounced.of("s", "p", T, many));
        assertTrue(error.getMessage().contains("4096"));
    }

    @Test
    void siteRecordWithUnknownVersionIsRejected() {
        String json = "{\"schemaVersion\":9,\"siteId\":\"s\",\"ownerId\":\"o\",\"domains\":[{\"name\":\"a.example\"}],"
                + "\"origin\":\"https://o.example\",\"revision\":1,\"updatedAt\":1}";

        assertThrows(UnsupportedSchemaException.class, () -> SiteRecord.decode(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void siteRecordWithChallengesAndWebhookRoundTrips() {
        SiteRecord site = SiteRecord.of("site-2", "owner-1",
                List.of(new DomainClaim("www.example.com", false, 0, "tok-" + "x".repeat(39))),
                "https://origin.example.com", SiteSettings.DEFAULTS, null, 1, T, HASH_B);

        assertEquals(site, SiteRecord.decode(SiteRecord.encode(site)));
    }

    @Test
    void siteRecordWrittenBeforeChallengesExistedStillDecodes() {
        String json = "{\"schemaVersion\":1,\"siteId\":\"s\",\"ownerId\":\"o\",\"domains\":[{\"name\":\"a.example\","
                + "\"verified\":true,\"verifiedAt\":5}],\"origin\":\"https://o.example\",\"revision\":1,\"updatedAt\":2}";

        SiteRecord site = SiteRecord.decode(json.getBytes(StandardCharsets.UTF_8));

        assertEquals(new DomainClaim("a.example", true, 5), site.domains().get(0));
        assertEquals(null, site.webhookSecretHash());
    }

    @Test
    void settingsWrittenBeforeGlobalPrivacyControlExistedTakeTheDefaultAndTheModesRoundTrip() {
        String json = "{\"schemaVersion\":1,\"siteId\":\"s\",\"ownerId\":\"o\",\"domains\":[{\"name\":\"a.example\",\"verified\":false,\"verifiedAt\":0}],"
                + "\"origin\":\"https://o.example\",\"settings\":{\"p2pEnabled\":true,\"uploadCapBytesPerSecond\":7,\"maxP2pFileBytes\":9,\"allowedPaths\":[]},"
                + "\"revision\":1,\"updatedAt\":2}";

        SiteSettings old = SiteRecord.decode(json.getBytes(StandardCharsets.UTF_8)).settings();

        assertEquals(new SiteSettings(true, 7, 9, List.of(), SiteSettings.GPC_NO_UPLOAD), old);
        for (String mode : List.of(SiteSettings.GPC_ORIGIN_ONLY, SiteSettings.GPC_IGNORE, "a-mode-from-a-newer-writer")) {
            SiteRecord site = SiteRecord.of("s", "o", List.of(new DomainClaim("a.example", false, 0)), "https://o.example",
                    new SiteSettings(true, 7, 9, List.of(), mode), null, 1, T);
            assertEquals(mode, SiteRecord.decode(SiteRecord.encode(site)).settings().globalPrivacyControl());
        }
    }

    @Test
    void manifestRoundTrips() {
        Manifest manifest = Manifest.of(HASH_A, "site-1", 262_144, T, List.of(
                new ManifestFile("/index.html", 10, "text/html", HASH_B, List.of(HASH_B)),
                new ManifestFile("/empty.txt", 0, null, HASH_A, List.of())));

        Manifest decoded = Manifest.decode(Manifest.encode(manifest));

        assertEquals(manifest, decoded);
        assertEquals("application/octet-stream", decoded.files().get(1).contentType());
    }

    @Test
    void manifestWithBadHashesOrPathsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ManifestFile("/a", 1, null, "ABC", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ManifestFile("a", 1, null, HASH_A, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ManifestFile("/a", 1, null, HASH_A, List.of("0")));
        assertThrows(IllegalArgumentException.class, () -> Manifest.of("nothex", "s", 1, T, List.of()));
        String json = "{\"schemaVersion\":2,\"manifestId\":\"" + HASH_A + "\",\"siteId\":\"s\",\"chunkSize\":1,"
                + "\"createdAt\":1,\"files\":[]}";
        assertThrows(UnsupportedSchemaException.class, () -> Manifest.decode(json.getBytes(StandardCharsets.UTF_8)));
    }
}
