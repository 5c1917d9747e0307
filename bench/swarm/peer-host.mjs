// One worker process of the swarm: hosts several visitors, each the REAL peer agent (the modules browsers get,
// loaded unmodified from signaling-service's resources) over werift WebRTC, and answers the orchestrator
// (swarm.mjs) over IPC. A visitor "loads the page": bootstrap, signaling, then every manifest file through
// agent.serve() (the entry page first, then the rest 6 at a time, like a browser's frame), checks every file
// against the origin's own SHA-256, and stays online serving others until the run stops.

import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MemoryCacheStorage, NodePeerConnection, webSocketFrom } from './node-browser.mjs';

const AGENT_MODULE = new URL('../../signaling-service/src/main/resources/META-INF/resources/c2c/agent.js', import.meta.url);

// Before the agent module loads: its ChunkStore picks the Cache Storage backend when `caches` exists.
globalThis.caches = new MemoryCacheStorage();
const { PeerAgent } = await import(AGENT_MODULE.href);

// werift's channels are EventEmitters, which warn past 10 listeners; the agent's drain waits add one 'close' listener
// per wait (kept until the channel closes: harmless in a browser's EventTarget, noise here).
EventEmitter.defaultMaxListeners = 1000;

// Where this process's CPU goes, for the run's report: its CPU time, how late its event loop runs, the peer
// connections its visitors opened, and the UDP datagrams they sent by kind (RFC 7983: first byte 0-3 STUN, i.e.
// ICE checks and consent, 20-63 DTLS, i.e. handshakes and SCTP).
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
const wire = { connections: 0, stun: 0, dtls: 0, other: 0, bytes: 0 };
const sendDatagram = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function send(msg, ...rest) {
  const first = (Array.isArray(msg) ? msg[0] : msg)?.[0] ?? -1;
  if (first >= 0 && first <= 3) wire.stun++; else if (first >= 20 && first <= 63) wire.dtls++; else wire.other++;
  wire.bytes += Array.isArray(msg) ? msg.reduce((n, m) => n + m.length, 0) : (msg?.length ?? 0);
  return sendDatagram.call(this, msg, ...rest);
};
class CountedPeerConnection extends NodePeerConnection {
  constructor(config) {
    super(config);
    wire.connections++;
  }
}
function processReport() {
  const cpu = process.cpuUsage();
  return {
    cpuS: (cpu.user + cpu.system) / 1e6, visitors: agents.size, ...wire,
    loopLagMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
  };
}

const PAGE_CONCURRENCY = 6;
/** visitor id → PeerAgent, kept online (serving) until stop */
const agents = new Map();
let config;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const since = () => Date.now() - config.t0;

/** Runs `work` over items with at most `limit` at once. */
async function pool(items, limit, work) {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length) await work(queue.shift()); // eslint-disable-line no-await-in-loop
  }));
}

/** The page's files: the entry HTML first (the frame's first request), then everything else. */
function pageOrder(paths) {
  const entry = paths.includes('/index.html') ? '/index.html' : paths[0];
  return { entry, rest: paths.filter((p) => p !== entry) };
}

async function loadWithAgent(id, liar) {
  const start = Date.now();
  const response = await fetch(`${config.base}/_c2c/bootstrap`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`bootstrap answered ${response.status}`);
  const boot = await response.json();
  const agent = new PeerAgent({
    ...boot,
    agent: { ...(boot.agent ?? {}), ...config.agentOverrides, originBase: `${config.base}/_c2c/origin` },
    signalingUrl: `${config.wsBase}/_c2c/signal`,
    WebSocketImpl: webSocketFrom(config.base),
    RTCPeerConnectionImpl: CountedPeerConnection,
  });
  agents.set(id, agent);
  await agent.start();
  const readyMs = Date.now() - start;
  const paths = agent.manifest.files.map((f) => f.path);
  const { entry, rest } = pageOrder(paths);
  const samples = [];
  const result = { ttfbMs: null, readyMs, corruptedBytesAccepted: 0, corruptedFiles: [], sources: {}, failedFiles: [] };
  const one = async (path) => {
    const answer = await agent.serve(path);
    if (!answer.ok) {
      result.failedFiles.push({ path, reason: answer.reason });
      return;
    }
    const body = new Uint8Array(answer.body);
    if (sha256(body) !== config.originHashes[path]) {
      result.corruptedBytesAccepted += body.byteLength;
      result.corruptedFiles.push(path);
    }
    result.sources[answer.source] = (result.sources[answer.source] ?? 0) + 1;
    samples.push([since(), agent.stats.bytesFromPeers, agent.stats.bytesFromOrigin]);
  };
  await one(entry);
  result.ttfbMs = Date.now() - start;
  await pool(rest, PAGE_CONCURRENCY, one);
  result.fullMs = Date.now() - start;
  const s = agent.snapshot();
  Object.assign(result, {
    bytesFromPeers: s.bytesFromPeers, bytesFromOrigin: s.bytesFromOrigin, samples,
    badChunksRejected: s.failures['bad-chunk'] ?? 0, reported: s.reported, failures: s.failures,
    connectionsByType: s.connectionsByType, peersConnected: s.peersConnected,
  });
  if (liar) {
    // From now on this visitor serves corrupted chunks: the agents that fetch from it must reject every one.
    await new Promise((resolve) => setTimeout(resolve, 200)); // the store keeps the last file asynchronously
    result.corruptedChunksHeld = globalThis.caches.corrupt(agent.store.backend.name);
  }
  return result;
}

/** The origin-only baseline: the same files through the platform's origin proxy with a plain fetch, no agent. */
async function loadFromOrigin() {
  const start = Date.now();
  const paths = Object.keys(config.originHashes);
  const { entry, rest } = pageOrder(paths);
  const result = { ttfbMs: null, corruptedBytesAccepted: 0, corruptedFiles: [], failedFiles: [], bytesFromPeers: 0, bytesFromOrigin: 0, samples: [] };
  const one = async (path, first) => {
    const response = await fetch(`${config.base}/_c2c/origin${path}`, { cache: 'no-store' });
    if (!response.ok) {
      result.failedFiles.push({ path, reason: `status ${response.status}` });
      return;
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const piece of response.body) {
      if (first && result.ttfbMs === null) result.ttfbMs = Date.now() - start;
      hash.update(piece);
      size += piece.byteLength;
    }
    if (hash.digest('hex') !== config.originHashes[path]) {
      result.corruptedBytesAccepted += size;
      result.corruptedFiles.push(path);
    }
    result.bytesFromOrigin += size;
    result.samples.push([since(), 0, result.bytesFromOrigin]);
  };
  await one(entry, true);
  await pool(rest, PAGE_CONCURRENCY, (p) => one(p, false));
  result.fullMs = Date.now() - start;
  return result;
}

process.on('message', async (message) => {
  if (message.cmd === 'init') {
    config = message;
    process.send({ type: 'ready' });
  } else if (message.cmd === 'load') {
    const startedAt = since();
    try {
      const result = message.mode === 'origin' ? await loadFromOrigin() : await loadWithAgent(message.id, message.liar);
      process.send({ type: 'result', id: message.id, mode: message.mode, liar: !!message.liar, startedAt, ...result });
    } catch (err) {
      process.send({ type: 'result', id: message.id, mode: message.mode, liar: !!message.liar, startedAt, error: String(err?.stack ?? err) });
    }
  } else if (message.cmd === 'report') {
    // the phase boundary: figures from here on are the peer phase's
    const report = processReport();
    lag.reset();
    process.send({ type: 'report', report });
  } else if (message.cmd === 'stop') {
    for (const agent of agents.values()) {
      for (const id of [...agent.peers.keys()]) agent.closePeer(id, 'bye');
      agent.reporter?.stop?.();
      try { agent.signaling?.close?.(); } catch { /* already closed */ }
    }
    process.send({ type: 'stopped', report: processReport() });
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));
