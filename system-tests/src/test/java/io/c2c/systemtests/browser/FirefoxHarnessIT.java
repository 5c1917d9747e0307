package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.testing.DemoOriginServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Firefox side of the browser harness: {@link HeadlessFirefox} (WebDriver BiDi over Firefox's own remote agent)
 * runs scripts with the same conventions as {@link HeadlessChromium}, and a Firefox and a Chromium open a real
 * RTCDataChannel to each other on loopback (signaling by hand) and JSON crosses it both ways. If this fails, the
 * Firefox tests of the platform would fail for reasons of the machine or the driver, not of the platform.
 */
class FirefoxHarnessIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    void firefoxAndChromiumExchangeJsonOverARealDataChannel() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "firefox-harness-");
        Path pages = Path.of("src/test/resources/browser").toAbsolutePath();
        try (DemoOriginServer site = DemoOriginServer.start(0, pages);
             HeadlessFirefox firefox = HeadlessFirefox.start(dir.resolve("firefox"));
             HeadlessChromium chromium = HeadlessChromium.start(dir.resolve("chromium"))) {
            firefox.open(site.url() + "/blank.html");
            chromium.open(site.url() + "/blank.html");

            // the driver's script conventions: arguments, return, callback, JSON results, exceptions
            assertTrue(firefox.execute("return navigator.userAgent;").asText().contains("Firefox"));
            assertEquals(7, firefox.execute("return arguments[0] + arguments[1].n;", 3, java.util.Map.of("n", 4)).asInt());
            assertTrue(firefox.execute("return undefined;").isNull());
            assertEquals("late", firefox.executeAsync("const done = arguments[0]; setTimeout(() => done('late'), 100);", STEP).asText());
            IllegalStateException thrown = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> firefox.execute("throw new Error('on purpose');"));
            assertTrue(thrown.getMessage().contains("on purpose"), thrown.getMessage());
            thrown = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> firefox.executeAsync("/* never calls back */", Duration.ofMillis(300)));
            assertTrue(thrown.getMessage().contains("script timeout"), thrown.getMessage());

            WebRtcPair.connect(firefox, chromium, "{\"iceServers\": []}", STEP);
            firefox.execute("window.h.dc.send(JSON.stringify({hello: 'chromium', n: 42}));");
            assertEquals("{\"hello\":\"chromium\",\"n\":42}", WebRtcPair.firstReceived(chromium, STEP));
            chromium.execute("window.h.dc.send(JSON.stringify({hello: 'firefox'}));");
            assertEquals("{\"hello\":\"firefox\"}", WebRtcPair.firstReceived(firefox, STEP));

            JsonNode pair = WebRtcPair.selectedPair(firefox, STEP);
            assertEquals("host", pair.path("local").asText(), pair.toString());
            assertEquals("127.0.0.1", pair.path("address").asText(), pair.toString());
        }
    }
}
