package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c2c.testing.DemoOriginServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Two separate headless Chromium processes, each running the real {@code PeerAgent}: A gets files from the origin
 * (proxy path) and announces them; B gets the same file from A over a real RTCDataChannel the agents negotiate
 * themselves, verified chunk by chunk; then B reconnects, and when A closes mid-transfer B finishes from the origin;
 * then A serves a corrupted chunk and B drops and reports A (a {@code report} message to the relay) and still ends
 * with the right bytes. The signaling server is played by this test (a small c2c.v1 relay for two peers: hello/welcome,
 * find/found from the announced {@code have}s, signal relay), as BrowserHarnessIT relays SDP by hand; the real
 * signaling service is not part of this branch.
 */
class AgentPeerToPeerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final int CHUNK = 256 * 1024;

    private final Map<String, Set<String>> holders = new HashMap<>();
    private final List<String> reports = new ArrayList<>();

    @Test
    void bGetsAFileFromAAndDropsAWhenItLies() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "agents-");
        Path root = dir.resolve("site");
        copyTree(Path.of("../signaling-service/src/main/resources/META-INF/resources/c2c").toAbsolutePath().normalize(), root.resolve("c2c"));
        Random random = new Random(7);
        byte[] one = new byte[700 * 1024 + 5];
        byte[] two = new byte[600 * 1024];
        byte[] three = new byte[3 * 1024 * 1024];
        random.nextBytes(one);
        random.nextBytes(two);
        random.nextBytes(three);
        Files.createDirectories(root.resolve("_c2c/origin"));
        Files.write(root.resolve("_c2c/origin/one.bin"), one);
        Files.write(root.resolve("_c2c/origin/two.bin"), two);
        Files.write(root.resolve("_c2c/origin/three.bin"), three);
        String boot = bootstrap(Map.of("/one.bin", one, "/two.bin", two, "/three.bin", three));
        String setup = Files.readString(Path.of("src/test/resources/browser/agent-setup.js"));

        try (DemoOriginServer site = DemoOriginServer.start(0, root);
             HeadlessChromium a = HeadlessChromium.start(dir.resolve("a"));
             HeadlessChromium b = HeadlessChromium.start(dir.resolve("b"))) {
            List<Peer> peers = List.of(new Peer("a", a, "a".repeat(32)), new Peer("b", b, "b".repeat(32)));
            for (Peer peer : peers) {
                peer.browser.open(site.url() + "/c2c/sw-routing.js"); // any same-origin document
                assertEquals("ok", peer.browser.executeAsync(setup, STEP, boot).asText());
            }
            pumpUntil(peers, () -> "ok".equals(state(a, "__started")) && "ok".equals(state(b, "__started")), "both welcomed");

            // A: nobody holds the file yet → origin; then announced
            JsonNode aOne = serve(peers, peers.get(0), "/one.bin");
            assertEquals("origin", aOne.path("source").asText(), aOne.toString());
            assertEquals(sha(one), aOne.path("sha").asText());
            pumpUntil(peers, () -> holders.getOrDefault(sha(one), Set.of()).contains(peers.get(0).peerId), "A announces one.bin");

            // B: discovery names A → data channel → all bytes from A, verified
            JsonNode bOne = serve(peers, peers.get(1), "/one.bin");
            assertEquals("peers", bOne.path("source").asText(), bOne.toString());
            assertEquals(sha(one), bOne.path("sha").asText(), "B's bytes equal the origin's");
            JsonNode bStats = snapshot(b);
            assertEquals(one.length, bStats.path("bytesFromPeers").asInt(), bStats.toString());
            assertEquals(0, bStats.path("bytesFromOrigin").asInt(), bStats.toString());
            assertEquals(1, bStats.path("connectionsByType").path("host").asInt(), bStats.toString());
            JsonNode aStats = snapshot(a);
            assertEquals(one.length, aStats.path("upload").path("bytesServed").asInt(), aStats.toString());

            // A closes mid-transfer: B reconnects to A (discovery still names it), gets part of three.bin from it,
            // loses it when A closes every connection, and finishes from the origin. (Before the lie below: B never
            // contacts a peer again once it caught it lying.)
            assertEquals("origin", serve(peers, peers.get(0), "/three.bin").path("source").asText());
            pumpUntil(peers, () -> holders.getOrDefault(sha(three), Set.of()).contains(peers.get(0).peerId), "A announces three.bin");
            a.execute("const ag = window.__agent; ag.policy.site = {...ag.policy.site, uploadCapBytesPerSecond: 512 * 1024};");
            int servedBefore = snapshot(a).path("upload").path("chunksServed").asInt();
            bStats = snapshot(b);
            long peersBefore = bStats.path("bytesFromPeers").asLong();
            long originBefore = bStats.path("bytesFromOrigin").asLong();
            b.execute("window.__serve(arguments[0]);", "/three.bin");
            pumpUntil(peers, () -> snapshot(a).path("upload").path("chunksServed").asInt() >= servedBefore + 2, "A serves part of three.bin");
            a.execute("const ag = window.__agent; for (const id of [...ag.peers.keys()]) ag.closePeer(id, 'test-close');");
            JsonNode[] result = new JsonNode[1];
            pumpUntil(peers, () -> (result[0] = b.execute("return window.__result;")) != null && !result[0].isNull(), "B finishes three.bin");
            assertEquals(sha(three), result[0].path("sha").asText(), "B's bytes after A closed: " + result[0]);
            bStats = snapshot(b);
            // A counts a chunk as served when it sends it; a chunk still in flight when A closes never reaches B,
            // so only "some bytes came from A" is certain here, not how many.
            assertTrue(bStats.path("bytesFromPeers").asLong() - peersBefore > 0, bStats.toString());
            assertTrue(bStats.path("bytesFromOrigin").asLong() - originBefore > 0, bStats.toString());
            assertEquals(0, bStats.path("peersConnected").asInt(), bStats.toString());
            a.execute("const ag = window.__agent; ag.policy.site = {...ag.policy.site, uploadCapBytesPerSecond: 64 * 1024 * 1024};");

            // A now lies about chunk 1 of two.bin: B detects it, drops and reports A, and the origin fills in
            JsonNode aTwo = serve(peers, peers.get(0), "/two.bin");
            assertEquals("origin", aTwo.path("source").asText(), aTwo.toString());
            pumpUntil(peers, () -> holders.getOrDefault(sha(two), Set.of()).contains(peers.get(0).peerId), "A announces two.bin");
            assertEquals("ok", a.executeAsync("""
                    const [key, done] = arguments;
                    const store = window.__agent.store;
                    store.backend.get(key).then(bytes => { bytes[5] ^= 0xff; return store.backend.put(key, bytes); })
                        .then(() => done('ok'), e => done('ERROR ' + e));
                    """, STEP, sha(two) + "/1").asText());
            JsonNode bTwo = serve(peers, peers.get(1), "/two.bin");
            assertEquals(sha(two), bTwo.path("sha").asText(), "B still ends with the right bytes: " + bTwo);
            assertTrue(!"peers".equals(bTwo.path("source").asText()), "the origin filled in: " + bTwo);
            bStats = snapshot(b);
            JsonNode bad = bStats.path("badPeers");
            assertEquals(1, bad.size(), bStats.toString());
            assertEquals(peers.get(0).peerId, bad.path(0).path("peerId").asText(), bStats.toString());
            assertEquals("chunk-hash", bad.path(0).path("reason").asText(), bStats.toString());
            assertEquals(0, bStats.path("peersConnected").asInt(), "A was dropped: " + bStats);
            assertEquals(1, bStats.path("reported").asInt(), "B reported A to signaling: " + bStats);
            pumpUntil(peers, () -> reports.contains(peers.get(0).peerId + " chunk-hash"), "B's report reaches the relay");
            assertTrue(bStats.path("failures").path("bad-chunk").asInt() >= 1, bStats.toString());
        }
    }

    private record Peer(String name, HeadlessChromium browser, String peerId) {
    }

    private JsonNode serve(List<Peer> peers, Peer peer, String path) throws Exception {
        peer.browser.execute("window.__serve(arguments[0]);", path);
        JsonNode[] result = new JsonNode[1];
        pumpUntil(peers, () -> {
            JsonNode r = peer.browser.execute("return window.__result;");
            result[0] = r;
            return r != null && !r.isNull();
        }, peer.name + " serves " + path);
        assertTrue(result[0].path("ok").asBoolean(), result[0].toString());
        return result[0];
    }

    private static JsonNode snapshot(HeadlessChromium browser) throws Exception {
        return browser.execute("return JSON.parse(JSON.stringify(window.__agent.snapshot()));");
    }

    private static String state(HeadlessChromium browser, String variable) throws Exception {
        return browser.execute("return window." + variable + ";").asText();
    }

    private interface Condition {
        boolean met() throws Exception;
    }

    /** Relays c2c.v1 traffic between the two pages until the condition holds (20 s at most). */
    private void pumpUntil(List<Peer> peers, Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (Peer peer : peers) {
                for (JsonNode text : peer.browser.execute("return window.__take();")) {
                    handle(peers, peer, JSON.readTree(text.asText()));
                }
            }
            if (condition.met()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for: " + what + "; a=" + snapshot(peers.get(0).browser)
                + " b=" + snapshot(peers.get(1).browser));
    }

    private void handle(List<Peer> peers, Peer from, JsonNode message) throws Exception {
        String type = message.path("type").asText();
        ObjectNode answer = JSON.createObjectNode();
        switch (type) {
            case "hello" -> {
                answer.put("type", "welcome").put("re", message.path("id").asText()).put("peerId", from.peerId)
                        .put("resumeToken", "f".repeat(32)).put("resumed", false).put("protocol", "c2c.v1")
                        .put("heartbeatIntervalMs", 0).putArray("iceServers");
                deliver(from, answer);
            }
            case "find" -> {
                answer.put("type", "found").put("re", message.path("id").asText()).put("asset", message.path("asset").asText())
                        .put("stale", false);
                ArrayNode list = answer.putArray("peers");
                for (String holder : holders.getOrDefault(message.path("asset").asText(), Set.of())) {
                    if (!holder.equals(from.peerId)) {
                        list.addObject().put("peerId", holder);
                    }
                }
                deliver(from, answer);
            }
            case "have" -> message.path("assets").forEach(asset ->
                    holders.computeIfAbsent(asset.asText(), k -> new LinkedHashSet<>()).add(from.peerId));
            case "report" -> reports.add(message.path("peerId").asText() + " " + message.path("reason").asText());
            case "drop" -> message.path("assets").forEach(asset ->
                    holders.getOrDefault(asset.asText(), new LinkedHashSet<>()).remove(from.peerId));
            case "signal" -> {
                for (Peer to : peers) {
                    if (to.peerId.equals(message.path("to").asText())) {
                        answer.put("type", "signal").put("from", from.peerId).put("kind", message.path("kind").asText());
                        if (message.has("payload")) {
                            answer.set("payload", message.get("payload"));
                        }
                        deliver(to, answer);
                    }
                }
            }
            default -> {
                // ping and anything else: no answer needed here
            }
        }
    }

    private static void deliver(Peer to, ObjectNode message) throws Exception {
        to.browser.execute("window.__deliver(arguments[0]);", JSON.writeValueAsString(message));
    }

    private static String bootstrap(Map<String, byte[]> files) throws Exception {
        ObjectNode boot = JSON.createObjectNode().put("siteId", "it");
        ObjectNode manifest = boot.putObject("manifest").put("schemaVersion", 1).put("manifestId", "0".repeat(64))
                .put("siteId", "it").put("chunkSize", CHUNK).put("createdAt", 0);
        ArrayNode list = manifest.putArray("files");
        for (Map.Entry<String, byte[]> file : new java.util.TreeMap<>(files).entrySet()) {
            byte[] bytes = file.getValue();
            ObjectNode entry = list.addObject().put("path", file.getKey()).put("size", bytes.length)
                    .put("contentType", "application/octet-stream").put("sha256", sha(bytes));
            ArrayNode chunks = entry.putArray("chunks");
            for (int o = 0; o < bytes.length; o += CHUNK) {
                chunks.add(sha(java.util.Arrays.copyOfRange(bytes, o, Math.min(bytes.length, o + CHUNK))));
            }
        }
        boot.putObject("settings").put("p2pEnabled", true).put("uploadCapBytesPerSecond", 64 * 1024 * 1024)
                .put("maxP2pFileBytes", 64 * 1024 * 1024);
        ObjectNode agent = boot.putObject("agent").put("connectWaitMs", 10000).put("connectTimeoutMs", 15000);
        agent.putObject("fetchPolicy").put("firstChunkDeadlineMs", 10000).put("stallMs", 10000)
                .put("chunkTimeoutMs", 10000).put("deadlineMs", 30000);
        return JSON.writeValueAsString(boot);
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(from)) {
            walk.forEach(all::add);
        }
        for (Path source : all) {
            Path target = to.resolve(from.relativize(source).toString());
            if (Files.isDirectory(source)) {
                Files.createDirectories(target);
            } else {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
