package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.testing.DemoOriginServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The browser harness itself: two separate headless Chromium processes open a real RTCDataChannel
 * to each other on loopback (signaling done by the test, by hand) and a JSON message crosses it.
 * If this fails, every browser test of the platform would fail for reasons of the machine, not of
 * the platform; the failure message carries ICE state and candidates to tell which.
 */
class BrowserHarnessIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    void twoBrowsersExchangeJsonOverARealDataChannel() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "browsers-");
        Path pages = Path.of("src/test/resources/browser").toAbsolutePath();
        try (DemoOriginServer site = DemoOriginServer.start(0, pages);
             HeadlessChromium alice = HeadlessChromium.start(dir.resolve("alice"));
             HeadlessChromium bob = HeadlessChromium.start(dir.resolve("bob"))) {
            alice.open(site.url() + "/blank.html");
            bob.open(site.url() + "/blank.html");

            WebRtcPair.connect(alice, bob, "{\"iceServers\": []}", STEP);

            alice.execute("window.h.dc.send(JSON.stringify({hello: 'bob', n: 42}));");
            assertEquals("{\"hello\":\"bob\",\"n\":42}", WebRtcPair.firstReceived(bob, STEP));

            JsonNode pair = WebRtcPair.selectedPair(alice, STEP);
            assertEquals("host", pair.path("local").asText(), pair.toString());
            assertEquals("127.0.0.1", pair.path("address").asText(), pair.toString());
        }
    }
}
