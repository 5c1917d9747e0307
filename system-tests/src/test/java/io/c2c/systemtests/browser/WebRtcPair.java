package io.c2c.systemtests.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;

/**
 * Connects two browsers with a data channel, the test carrying the offer and answer by hand
 * (complete SDP after ICE gathering, no trickle), and reads what the connection chose. The page
 * state lives in {@code window.h}.
 */
final class WebRtcPair {

    /** Creates the connection (config = RTCConfiguration JSON) and resolves with the complete local SDP. */
    private static final String PREPARE = """
            const [role, remoteSdp, configJson, done] = arguments;
            const pc = new RTCPeerConnection(JSON.parse(configJson));
            window.h = {pc, received: [], candidates: [], errors: []};
            pc.onicecandidate = e => { if (e.candidate) window.h.candidates.push(e.candidate.candidate); };
            pc.onicecandidateerror = e => window.h.errors.push(e.url + ' ' + e.errorCode + ' ' + e.errorText);
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
              if (Date.now() - started > 25000) {
                return done('TIMEOUT ice=' + h.pc.iceConnectionState + ' dc=' + (h.dc && h.dc.readyState)
                    + ' candidates=' + JSON.stringify(h.candidates) + ' errors=' + JSON.stringify(h.errors));
              }
              setTimeout(poll, 50);
            })();
            """;

    private static final String SELECTED_PAIR = """
            const done = arguments[arguments.length - 1];
            window.h.pc.getStats().then(stats => {
              let pair;
              stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
              // Firefox has no transport stats: it flags the selected pair itself
              if (!pair) stats.forEach(s => { if (s.type === 'candidate-pair' && s.selected) pair = s; });
              const local = pair && stats.get(pair.localCandidateId);
              const remote = pair && stats.get(pair.remoteCandidateId);
              done({local: local && local.candidateType, remote: remote && remote.candidateType,
                    address: local && local.address, relayProtocol: local && local.relayProtocol});
            });
            """;

    private WebRtcPair() {
    }

    /** Offer from {@code offerer}, answer from {@code answerer}; returns when both channels are open. */
    static void connect(HeadlessBrowser offerer, HeadlessBrowser answerer, String rtcConfigJson, Duration step)
            throws IOException, InterruptedException {
        String offer = offerer.executeAsync(PREPARE, step, "offerer", "", rtcConfigJson).asText();
        assertTrue(offer.startsWith("v=0"), offer);
        String answer = answerer.executeAsync(PREPARE, step, "answerer", offer, rtcConfigJson).asText();
        assertTrue(answer.startsWith("v=0"), answer);
        offerer.executeAsync("const [sdp, done] = arguments;"
                + "window.h.pc.setRemoteDescription({type: 'answer', sdp}).then(() => done('ok'), e => done('ERROR ' + e));",
                step, answer);
        assertEquals("open", offerer.executeAsync(AWAIT_OPEN, step).asText());
        assertEquals("open", answerer.executeAsync(AWAIT_OPEN, step).asText());
    }

    /** The first message the browser's channel received. */
    static String firstReceived(HeadlessBrowser browser, Duration step) throws IOException, InterruptedException {
        return browser.executeAsync("""
                const done = arguments[arguments.length - 1];
                (function poll() { window.h.received.length ? done(window.h.received[0]) : setTimeout(poll, 20); })();
                """, step).asText();
    }

    /** Candidate types, local address and relay protocol of the selected candidate pair, from getStats(). */
    static JsonNode selectedPair(HeadlessBrowser browser, Duration step) throws IOException, InterruptedException {
        return browser.executeAsync(SELECTED_PAIR, step);
    }
}
