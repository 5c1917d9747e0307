// A few visitors in real headless Chromium (Debian's chromium), joining the werift swarm: each opens the site, so
// it gets the shell, the service worker and the agent from the platform like any visitor, then has its agent serve
// every manifest file (agent.serve, what the service worker calls) and checks every file's SHA-256 with the
// browser's Web Crypto against the origin's. Driven over the DevTools protocol (npm `ws`), no WebDriver needed.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/lib/chromium/chromium';

/**
 * Injected before the shell's own scripts: records every addIceCandidate the page's agent makes that fails (the
 * agent counts these as `bad-candidate`), with the error, the candidate and the connection's state at that moment.
 * Diagnostics only: the call and its outcome are unchanged.
 */
const CANDIDATE_PROBE = `(() => {
  const add = RTCPeerConnection.prototype.addIceCandidate;
  const log = globalThis.__c2cCandidateLog = { ok: 0, failed: [] };
  RTCPeerConnection.prototype.addIceCandidate = function addIceCandidate(candidate, ...rest) {
    const pc = this;
    const before = { signalingState: pc.signalingState, hasRemote: !!pc.remoteDescription, connectionState: pc.connectionState };
    return add.call(pc, candidate, ...rest).then((v) => { log.ok++; return v; }, (err) => {
      if (log.failed.length < 50) log.failed.push({ error: err.name + ': ' + err.message, candidate: candidate && candidate.candidate,
        sdpMid: candidate && candidate.sdpMid, before, after: { signalingState: pc.signalingState, connectionState: pc.connectionState } });
      throw err;
    });
  };
})()`;

/** Runs in the shell page: waits for the agent, loads every file through it, returns figures and hashes. */
const PAGE_LOAD = `(async () => {
  const t0 = performance.now();
  for (let i = 0; i < 1800 && !(globalThis.__c2c && globalThis.__c2c.signaling && globalThis.__c2c.signaling.welcome); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const agent = globalThis.__c2c;
  if (!agent || !agent.signaling || !agent.signaling.welcome) {
    return { error: 'agent not connected after 90 s', href: location.href, hasAgent: !!agent, sw: !!navigator.serviceWorker?.controller };
  }
  const paths = agent.manifest.files.map((f) => f.path);
  const entry = paths.includes('/index.html') ? '/index.html' : paths[0];
  const hashes = {}; const sources = {}; const failed = [];
  const one = async (path) => {
    const a = await agent.serve(path);
    if (!a.ok) { failed.push({ path, reason: a.reason }); return; }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', a.body));
    hashes[path] = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    sources[a.source] = (sources[a.source] || 0) + 1;
  };
  const shellReadyMs = performance.now();
  await one(entry);
  const ttfbMs = performance.now();
  const rest = paths.filter((p) => p !== entry);
  await Promise.all(Array.from({ length: 6 }, async () => { while (rest.length) await one(rest.shift()); }));
  const s = agent.snapshot();
  return { ttfbMs, fullMs: performance.now(), shellReadyMs, startMs: t0, hashes, sources, failed,
    bytesFromPeers: s.bytesFromPeers, bytesFromOrigin: s.bytesFromOrigin, badChunksRejected: s.failures['bad-chunk'] || 0,
    failures: s.failures, connectionsByType: s.connectionsByType, peersConnected: s.peersConnected, candidates: globalThis.__c2cCandidateLog };
})()`;

/** Starts one Chromium, opens `url`, runs the page load; resolves with the figures (times since navigation start). */
export async function chromiumVisitor(url, { timeoutMs = 120000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'c2c-swarm-chromium-'));
  const origin = new URL(url).origin;
  const host = new URL(url).hostname;
  const child = spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--allow-loopback-in-peer-connection',
    '--use-fake-ui-for-media-stream', `--host-resolver-rules=MAP ${host} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
    '--disable-features=WebRtcHideLocalIpsWithMdns', `--user-data-dir=${dir}`, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const endpoint = await new Promise((resolve, reject) => {
      let text = '';
      child.stderr.on('data', (d) => {
        text += d;
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`chromium exited (${code}) before DevTools: ${text.slice(-400)}`)));
    });
    const ws = new WebSocket(endpoint, { perMessageDeflate: false });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    let nextId = 1;
    const pending = new Map();
    let onLoad;
    const loaded = new Promise((resolve) => { onLoad = resolve; });
    ws.on('message', (data) => {
      const m = JSON.parse(data);
      if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); }
      if (m.method === 'Page.loadEventFired') onLoad();
    });
    const call = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      ws.send(JSON.stringify({ id, method, params, sessionId }));
    });
    const { targetId } = await call('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await call('Target.attachToTarget', { targetId, flatten: true });
    await call('Page.enable', {}, sessionId);
    await call('Page.addScriptToEvaluateOnNewDocument', { source: CANDIDATE_PROBE }, sessionId);
    await call('Page.navigate', { url }, sessionId);
    await loaded; // the shell's own document; its agent starts after the bootstrap answer
    const { result, exceptionDetails } = await call('Runtime.evaluate', { expression: PAGE_LOAD, awaitPromise: true, returnByValue: true }, sessionId);
    ws.close();
    if (exceptionDetails) return { error: exceptionDetails.exception?.description ?? exceptionDetails.text };
    if (result.value?.error) return { error: JSON.stringify(result.value) };
    return { ...result.value, origin };
  } finally {
    clearTimeout(timer);
    child.kill('SIGTERM');
    await new Promise((resolve) => { if (child.exitCode !== null) resolve(); else child.once('exit', resolve); });
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch {
      // a profile file still being written as the browser exits: a stray temp dir, not a failed visitor
    }
  }
}
