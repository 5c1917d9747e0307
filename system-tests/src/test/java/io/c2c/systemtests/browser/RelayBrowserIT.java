package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c2c.testing.DemoOriginServer;
import io.c2c.testing.FreePorts;
import io.c2c.testing.PackagedService;
import io.c2c.testing.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The relay issue's browser interop: two separate headless Chromium processes, forced to
 * {@code iceTransportPolicy: 'relay'}, connect a data channel through the packaged relay-service
 * with the credentials its ice-servers endpoint issues, and the selected candidate pair is relay
 * on both ends: once with only the UDP TURN URLs, once with only the TCP ones (TURN over TCP from
 * the browser). Loopback peers are allowed explicitly, as only the tests need.
 */
class RelayBrowserIT {

    private static final Duration STEP = Duration.ofSeconds(40);
    private static final String TOKEN = "relay-browser-it-token";
    /**
     * A region of its own: other ITs' relay nodes (SitePlatform's lives as long as the test JVM) register in the same
     * Redis, and the ice-servers endpoint prefers the asker's region before the least-loaded node.
     */
    private static final String REGION = "relay-browser-it";

    @Test
    void twoBrowsersConnectOnlyThroughOurTurnServer() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "relay-browsers-");
        int turnPort = FreePorts.next();
        int minRelayPort = 43000 + (int) (ProcessHandle.current().pid() % 1000);
        Map<String, String> properties = Map.of(
                "quarkus.redis.hosts", TestInfrastructure.redis().uri(),
                "c2c.relay.listen-port", Integer.toString(turnPort),
                "c2c.relay.public-address", "127.0.0.1",
                "c2c.relay.region", REGION,
                "c2c.relay.relay.allowed-peers", "127.0.0.1/32",
                "c2c.relay.relay.min-port", Integer.toString(minRelayPort),
                "c2c.relay.relay.max-port", Integer.toString(minRelayPort + 199),
                // The browsers are killed with their allocations live: without this the relay's stop waits 30 s.
                "c2c.relay.drain-timeout", "0s");
        Map<String, String> secrets = Map.of("C2C_TURN_SECRETS", "relay-browser-it-secret", "C2C_INTERNAL_TOKEN", TOKEN);
        Path pages = Path.of("src/test/resources/browser").toAbsolutePath();
        try (PackagedService relay = PackagedService.start("relay-service", FreePorts.next(), secrets, properties, dir,
                Duration.ofSeconds(90));
             DemoOriginServer site = DemoOriginServer.start(0, pages)) {
            // The node registers in Redis by its first heartbeat, shortly after it is ready; until then the
            // endpoint names another node (other ITs' relays share this Redis), so wait for ours, bounded.
            JsonNode ice = iceServers(relay, "site-relay-it", "peer-alice");
            for (long deadline = System.nanoTime() + STEP.toNanos();
                    !namesPort(ice, turnPort) && System.nanoTime() < deadline; ) {
                Thread.sleep(200);
                ice = iceServers(relay, "site-relay-it", "peer-alice");
            }
            assertTrue(namesPort(ice, turnPort), ice.toString());
            // One pair of browsers per TURN transport: given both, Chromium picks whichever allocation answers
            // first, which made the transport of the selected pair a race under load.
            for (String transport : new String[] {"udp", "tcp"}) {
                String config = new ObjectMapper().writeValueAsString(Map.of(
                        "iceServers", onlyTurnOver(ice.path("iceServers"), transport), "iceTransportPolicy", "relay"));
                try (HeadlessChromium alice = HeadlessChromium.start(dir.resolve("alice-" + transport));
                     HeadlessChromium bob = HeadlessChromium.start(dir.resolve("bob-" + transport))) {
                    alice.open(site.url() + "/blank.html");
                    bob.open(site.url() + "/blank.html");
                    WebRtcPair.connect(alice, bob, config, STEP);

                    alice.execute("window.h.dc.send(JSON.stringify({via: 'turn'}));");
                    assertEquals("{\"via\":\"turn\"}", WebRtcPair.firstReceived(bob, STEP));

                    for (HeadlessChromium browser : new HeadlessChromium[] {alice, bob}) {
                        JsonNode pair = WebRtcPair.selectedPair(browser, STEP);
                        assertEquals("relay", pair.path("local").asText(), pair.toString());
                        assertEquals("relay", pair.path("remote").asText(), pair.toString());
                        assertEquals(transport, pair.path("relayProtocol").asText(), pair.toString());
                    }
                }
            }
        }
    }

    private static boolean namesPort(JsonNode ice, int turnPort) {
        return ice.path("iceServers").toString().contains("turn:127.0.0.1:" + turnPort + "?");
    }

    /** The ice servers with only their {@code turn:} URLs over {@code transport} (and their credentials). */
    private static ArrayNode onlyTurnOver(JsonNode iceServers, String transport) {
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode server : iceServers) {
            ArrayNode urls = JsonNodeFactory.instance.arrayNode();
            JsonNode all = server.path("urls");
            for (JsonNode url : all.isArray() ? all : JsonNodeFactory.instance.arrayNode().add(all)) {
                String text = url.asText();
                if (text.startsWith("turn:") && text.endsWith("transport=" + transport)) {
                    urls.add(text);
                }
            }
            if (!urls.isEmpty()) {
                kept.add(((ObjectNode) server.deepCopy()).set("urls", urls));
            }
        }
        assertFalse(kept.isEmpty(), "no turn: URL over " + transport + " in " + iceServers);
        return kept;
    }

    private static JsonNode iceServers(PackagedService relay, String site, String peer) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(relay.url() + "/api/v1/ice-servers?site=" + site + "&peer=" + peer + "&region=" + REGION))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }
}
