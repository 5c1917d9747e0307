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
 * The browser harness itself: two separate headless Chromium processes open a real RTCDataChannel
 * to each other on loopback (signaling done by the test, by hand) and a JSON message crosses it.
 * If this fails, every browser test of the platform would fail for reasons of the machine, not of
 * the platform; the failure message carries ICE state and candidates to tell which.
 */
class BrowserHarnessIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    /** Creates the connection, optionally the data channel, and resolves with the complete local SDP. */
    private static final String PREPARE = """
            const [role, remoteSdp, done] = arguments;
            const pc = new RTCPeerConnection({iceServers: []});
            window.h = {pc, received: [], candidates: []};
            pc.onicecandidate = e => { if (e.candidate) window.h.candidates.push(e.candidate.candidate); };
            const attach = dc => { window.h.dc = dc; dc.onmessage = m => window.h.received.push(m.data); };
            pc.ondatachannel = e => attach(e.channel);
            const gathered = () => new Promise(r => {
              if (pc.iceGatheringState === 'complete') return r();
              pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
            });
            (async () => {
              if (role === 'offerer') {
                attach(pc.createDataChannel('c2c', {ordered: true}));
                await pc.setLocalDescription(await pc.createOffer());
              } else {
                await pc.setRemoteDescription({type: 'offer', sdp: remoteSdp});
                await pc.setLocalDescription(await pc.createAnswer());
              }
              await gathered();
              done(pc.localDescription.sdp);
            })().catch(e => done('ERROR ' + e));
            """;

    private static final String AWAIT_OPEN = """
            const done = arguments[arguments.length - 1];
            const started = Date.now();
            (function poll() {
              const h = window.h;
              if (h.dc && h.dc.readyState === 'open') return done('open');
              if (Date.now() - started > 20000) {
                return done('TIMEOUT ice=' + h.pc.iceConnectionState + ' dc=' + (h.dc && h.dc.readyState)
                    + ' candidates=' + JSON.stringify(h.candidates));
              }
              setTimeout(poll, 50);
            })();
            """;

    private static final String SELECTED_PAIR = """
            const done = arguments[arguments.length - 1];
            window.h.pc.getStats().then(stats => {
              let pair;
              stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
              const local = pair && stats.get(pair.localCandidateId);
              const remote = pair && stats.get(pair.remoteCandidateId);
              done({local: local && local.candidateType, remote: remote && remote.candidateType,
                    address: local && local.address});
            });
            """;

    @Test
    void twoBrowsersExchangeJsonOverARealDataChannel() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "browsers-");
        Path pages = Path.of("src/test/resources/browser").toAbsolutePath();
        try (DemoOriginServer site = DemoOriginServer.start(0, pages);
             HeadlessChromium alice = HeadlessChromium.start(dir.resolve("alice"));
             HeadlessChromium bob = HeadlessChromium.start(dir.resolve("bob"))) {
            alice.open(site.url() + "/blank.html");
            bob.open(site.url() + "/blank.html");

            String offer = alice.executeAsync(PREPARE, STEP, "offerer", "").asText();
            assertTrue(offer.startsWith("v=0"), offer);
            String answer = bob.executeAsync(PREPARE, STEP, "answerer", offer).asText();
            assertTrue(answer.startsWith("v=0"), answer);
            alice.executeAsync("const [sdp, done] = arguments;"
                    + "window.h.pc.setRemoteDescription({type: 'answer', sdp}).then(() => done('ok'), e => done('ERROR ' + e));",
                    STEP, answer);

            assertEquals("open", alice.executeAsync(AWAIT_OPEN, STEP).asText());
            assertEquals("open", bob.executeAsync(AWAIT_OPEN, STEP).asText());

            alice.execute("window.h.dc.send(JSON.stringify({hello: 'bob', n: 42}));");
            JsonNode received = bob.executeAsync("""
                    const done = arguments[arguments.length - 1];
                    (function poll() { window.h.received.length ? done(window.h.received[0]) : setTimeout(poll, 20); })();
                    """, STEP);
            assertEquals("{\"hello\":\"bob\",\"n\":42}", received.asText());

            JsonNode pair = alice.executeAsync(SELECTED_PAIR, STEP);
            assertEquals("host", pair.path("local").asText(), pair.toString());
            assertEquals("127.0.0.1", pair.path("address").asText(), pair.toString());
        }
    }
}
