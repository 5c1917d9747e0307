package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c2c.testing.FreePorts;
import io.c2c.testing.PackagedService;
import io.c2c.testing.TestInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The basic scenario of the signaling issue, end to end with real parts only: the packaged
 * signaling-service (real Redis and Kafka behind it) serves the session demo page; two separate
 * headless Chromium processes open it, one creates the session, the other joins, they negotiate a
 * real RTCDataChannel through signaling (c2c.v1), and a JSON message crosses it. Then a headless
 * Firefox joins the same session and exchanges JSON with both.
 */
class SessionDemoIT {

    private static final Duration STEP = Duration.ofSeconds(40);

    private static final String AWAIT = """
            const [expression, done] = arguments;
            const started = Date.now();
            (function poll() {
              let value;
              try { value = eval(expression); } catch (e) { value = undefined; }
              if (value) return done(value);
              if (window.c2cDemo && window.c2cDemo.error) return done('ERROR ' + window.c2cDemo.error);
              if (Date.now() - started > 30000) return done('TIMEOUT waiting for ' + expression);
              setTimeout(poll, 50);
            })();
            """;

    @Test
    void twoBrowsersCreateAndJoinASessionAndExchangeJson() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "session-demo-");
        int port = FreePorts.next();
        Map<String, String> properties = Map.of(
                "quarkus.redis.hosts", TestInfrastructure.redis().uri(),
                "kafka.bootstrap.servers", TestInfrastructure.kafka().bootstrapServers(),
                "c2c.signaling.sites.demo.domains", "127.0.0.1:" + port,
                "c2c.sites.api-hosts", "127.0.0.1");
        try (PackagedService signaling = PackagedService.start("signaling-service", port, Map.of(), properties, dir,
                Duration.ofSeconds(120));
             HeadlessChromium alice = HeadlessChromium.start(dir.resolve("alice"));
             HeadlessChromium bob = HeadlessChromium.start(dir.resolve("bob"))) {
            String page = signaling.url() + "/c2c/demo/session.html?site=demo&room=kitchen";

            alice.open(page);
            String alicePeer = await(alice, "window.c2cDemo && window.c2cDemo.session && window.c2cDemo.session.peerId");
            bob.open(page);
            String bobPeer = await(bob, "window.c2cDemo && window.c2cDemo.session && window.c2cDemo.session.peerId");
            assertNotEquals(alicePeer, bobPeer);
            assertTrue(alicePeer.matches("[0-9a-f]{32}"), alicePeer);

            assertEquals(bobPeer, await(alice, "window.c2cDemo.opened[0]"));
            assertEquals(alicePeer, await(bob, "window.c2cDemo.opened[0]"));

            alice.execute("window.c2cDemo.session.send({hello: 'bob', n: 42});");
            JsonNode received = bob.executeAsync(AWAIT, STEP, "window.c2cDemo.received[0]");
            assertEquals(alicePeer, received.path("from").asText(), received.toString());
            assertEquals("bob", received.path("data").path("hello").asText(), received.toString());
            assertEquals(42, received.path("data").path("n").asInt(), received.toString());

            JsonNode pair = alice.executeAsync("""
                    const done = arguments[arguments.length - 1];
                    const link = [...window.c2cDemo.session.links.values()][0];
                    link.pc.getStats().then(stats => {
                      let pair;
                      stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
                      const local = pair && stats.get(pair.localCandidateId);
                      done({type: local && local.candidateType, address: local && local.address});
                    });
                    """, STEP);
            assertEquals("127.0.0.1", pair.path("address").asText(), pair.toString());

            // A Firefox joins the same session: it offers to both Chromiums, and JSON crosses both ways
            try (HeadlessFirefox carol = HeadlessFirefox.start(dir.resolve("carol"))) {
                carol.open(page);
                String carolPeer = await(carol, "window.c2cDemo && window.c2cDemo.session && window.c2cDemo.session.peerId");
                assertEquals(String.join(",", java.util.stream.Stream.of(alicePeer, bobPeer).sorted().toList()),
                        await(carol, "window.c2cDemo.opened.length === 2 && window.c2cDemo.opened.slice().sort().join(',')"));
                assertEquals(carolPeer, await(alice, "window.c2cDemo.opened[1]"));
                carol.execute("window.c2cDemo.session.send({hello: 'chromium', from: 'firefox'});");
                for (HeadlessChromium chromium : new HeadlessChromium[] {alice, bob}) {
                    JsonNode fromFirefox = chromium.executeAsync(AWAIT, STEP,
                            "window.c2cDemo.received.find((m) => m.from === '" + carolPeer + "')");
                    assertEquals("firefox", fromFirefox.path("data").path("from").asText(), fromFirefox.toString());
                }
                bob.execute("window.c2cDemo.session.send({hello: 'firefox', n: 7});");
                JsonNode toFirefox = carol.executeAsync(AWAIT, STEP, "window.c2cDemo.received.find((m) => m.from === '" + bobPeer + "')");
                assertEquals(7, toFirefox.path("data").path("n").asInt(), toFirefox.toString());
            }
        }
    }

    private static String await(HeadlessBrowser browser, String expression) throws Exception {
        String value = browser.executeAsync(AWAIT, STEP, expression).asText();
        assertTrue(!value.startsWith("TIMEOUT") && !value.startsWith("ERROR"), value);
        return value;
    }
}
