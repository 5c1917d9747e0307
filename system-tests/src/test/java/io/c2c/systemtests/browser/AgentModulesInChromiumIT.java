package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.testing.DemoOriginServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The browser agent's modules (served from signaling-service's {@code /c2c/} directory) in a real headless Chromium:
 * a real RTCDataChannel carries c2c-dc.v1, chunks held in Cache Storage are served, split into frames of at most
 * 64 KiB, reassembled and verified with the browser's Web Crypto; a holder with a corrupted chunk is dropped and
 * reported and the origin fills in. What the Node tests cannot show: the browser glue ({@code attachDataChannel},
 * {@code CacheStorageBackend}) and the modules loading as ES modules from the service's static directory.
 */
class AgentModulesInChromiumIT {

    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    void modulesMoveAVerifiedFileOverARealDataChannelAndRejectACorruptHolder() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "agent-modules-");
        Path served = Path.of("../signaling-service/src/main/resources/META-INF/resources").toAbsolutePath().normalize();
        String script = Files.readString(Path.of("src/test/resources/browser/agent-modules-check.js"));
        try (DemoOriginServer site = DemoOriginServer.start(0, served);
             HeadlessChromium browser = HeadlessChromium.start(dir.resolve("browser"))) {
            // any same-origin document will do: the modules are imported by the script
            browser.open(site.url() + "/c2c/sw-routing.js");

            JsonNode honest = browser.executeAsync(script, STEP, "honest");
            assertTrue(honest.isObject(), honest.toString());
            assertTrue(honest.path("equal").asBoolean(), honest.toString());
            assertEquals(600 * 1024 + 123, honest.path("bytesFromPeers").asInt(), honest.toString());
            assertEquals(0, honest.path("originBytes").asInt(), honest.toString());
            assertEquals(0, honest.path("bad").size(), honest.toString());
            assertTrue(honest.path("largestFrame").asInt() <= honest.path("maxFrame").asInt(), honest.toString());
            assertTrue(honest.path("largestFrame").asInt() > 60_000, "chunks travel as full-size frames: " + honest);
            assertEquals("host", honest.path("pairType").asText(), honest.toString());
            assertEquals(honest.path("chunkCount").asInt(), honest.path("cached").asInt(), "chunks held in Cache Storage: " + honest);

            JsonNode corrupt = browser.executeAsync(script, STEP, "corrupt");
            assertTrue(corrupt.isObject(), corrupt.toString());
            assertTrue(corrupt.path("equal").asBoolean(), "correct bytes despite the corrupt holder: " + corrupt);
            assertEquals(1, corrupt.path("bad").size(), corrupt.toString());
            assertEquals("holder", corrupt.path("bad").path(0).path(0).asText(), corrupt.toString());
            assertEquals("chunk-hash", corrupt.path("bad").path(0).path(2).asText(), corrupt.toString());
            assertTrue(corrupt.path("linkClosed").asBoolean(), "the lying peer's link was closed: " + corrupt);
            assertTrue(corrupt.path("originBytes").asInt() >= 256 * 1024, corrupt.toString());
            assertFalse(corrupt.path("bytesFromOrigin").asInt() == 0, corrupt.toString());
        }
    }
}
