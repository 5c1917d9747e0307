import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerAgent } from '../../main/resources/META-INF/resources/c2c/agent.js';
import { manifestJson, randomBytes, settle } from './support.js';

// PeerAgent's signaling side in Node (no RTCPeerConnection is needed until a peer is contacted): a scripted socket
// stands in for signaling-service, whose real behaviour is tested against the server in SiteDeliveryIT.
function scriptedServer(holders = ['c'.repeat(32)]) {
  const sent = [];
  class FakeSocket {
    constructor() {
      this.readyState = 0;
      setImmediate(() => { this.readyState = 1; this.onopen?.(); });
    }

    send(text) {
      const message = JSON.parse(text);
      sent.push(message);
      const answer = message.type === 'hello'
        ? { type: 'welcome', re: message.id, peerId: 'a'.repeat(32), resumeToken: 'b'.repeat(32), heartbeatIntervalMs: 0, iceServers: [] }
        : message.type === 'find'
          ? { type: 'found', re: message.id, asset: message.asset, stale: false, peers: holders.map((peerId) => ({ peerId })) }
          : null;
      if (answer) setImmediate(() => this.onmessage?.({ data: JSON.stringify(answer) }));
    }

    close() {
      this.readyState = 3;
    }
  }
  return { FakeSocket, sent };
}

function agentWith(files, FakeSocket, settings = { p2pEnabled: true, uploadCapBytesPerSecond: 1024 }, extra = {}) {
  const manifest = manifestJson(files, 1024);
  const agent = new PeerAgent({
    siteId: 'demo', manifest, settings, signalingUrl: 'ws://127.0.0.1/_c2c/signal', WebSocketImpl: FakeSocket, ...extra,
  });
  return { agent, files: agent.manifest.files };
}

async function keepWhole(agent, file, bytes) {
  await agent.keep(file, bytes);
  await settle();
}

test('files kept before the welcome are announced at the welcome; later ones as they complete; none twice before it', async () => {
  const early = randomBytes(3000, 1);
  const late = randomBytes(1500, 2);
  const { FakeSocket, sent } = scriptedServer();
  const { agent, files } = agentWith([{ path: '/early.bin', bytes: early }, { path: '/late.bin', bytes: late }], FakeSocket);
  const [earlyFile, lateFile] = files;

  await keepWhole(agent, earlyFile, early); // the frame loaded a file before signaling was up
  assert.equal(sent.length, 0, 'nothing can be sent before the socket exists');

  await agent.start();
  await settle();
  assert.deepEqual(sent.map((m) => m.type), ['hello', 'have']);
  assert.deepEqual(sent[1].assets, [earlyFile.sha256], 'the file kept before the welcome is announced');

  await keepWhole(agent, lateFile, late);
  assert.deepEqual(sent.slice(2).map((m) => [m.type, m.assets]), [['have', [lateFile.sha256]]]);
});

test('a start with nothing held sends no empty have', async () => {
  const { FakeSocket, sent } = scriptedServer();
  const { agent } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], FakeSocket);
  await agent.start();
  await settle();
  assert.deepEqual(sent.map((m) => m.type), ['hello']);
});

test('hello offers the upload capacity the policy allows (discovery skips peers without any), 0 when the visitor does not upload', async () => {
  const uploading = scriptedServer();
  await agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], uploading.FakeSocket).agent.start();
  assert.deepEqual(uploading.sent[0].capabilities, { uploadCapacity: 1024 });

  const off = scriptedServer();
  await agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], off.FakeSocket, { p2pEnabled: false, uploadCapBytesPerSecond: 1024 }).agent.start();
  assert.deepEqual(off.sent[0].capabilities, { uploadCapacity: 0 });

  const gpc = scriptedServer();
  const { agent } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], gpc.FakeSocket, { uploadCapBytesPerSecond: 4096, globalPrivacyControl: 'no-upload' });
  agent.policy.environment = () => ({ saveData: false, gpc: true, optOut: false });
  await agent.start();
  assert.deepEqual(gpc.sent[0].capabilities, { uploadCapacity: 0 });
});

test('a peer that sent a bad chunk is reported once, never asked again even when discovery names it, and its offers are refused', async () => {
  const { FakeSocket, sent } = scriptedServer();
  const { agent, files } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], FakeSocket);
  await agent.start();
  const liar = 'c'.repeat(32);
  agent.reportPeer(liar, 'chunk-hash');
  agent.reportPeer(liar, 'chunk-hash');
  assert.deepEqual(sent.filter((m) => m.type === 'report'), [{ type: 'report', peerId: liar, reason: 'chunk-hash' }]);
  assert.equal(agent.snapshot().reported, 1);

  // discovery still names it (only it): no connection is attempted (RTCPeerConnection does not even exist in Node)
  assert.deepEqual(await agent.peersFor(files[0]), []);
  assert.equal(agent.peers.size, 0);

  await agent.onSignalingMessage({ type: 'signal', from: liar, kind: 'offer', payload: { type: 'offer', sdp: 'v=0' } });
  assert.deepEqual(sent.at(-1), { type: 'signal', to: liar, kind: 'bye' });
  assert.equal(agent.peers.size, 0);
  assert.equal(agent.snapshot().failures['offer-from-banned'], 1);
});

test('status: sent when the visitor stops uploading, not while nothing changed since hello', async () => {
  const { FakeSocket, sent } = scriptedServer();
  const { agent } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], FakeSocket);
  await agent.start();
  agent.sendStatus();
  assert.deepEqual(sent.filter((m) => m.type === 'status'), [], 'hello already told the capacity');
  agent.policy.environment = () => ({ saveData: true, gpc: false, optOut: false });
  agent.sendStatus();
  assert.deepEqual(sent.filter((m) => m.type === 'status'), [{ type: 'status', uploadCapacity: 0, uploadRate: 0 }]);
  agent.sendStatus();
  assert.equal(sent.filter((m) => m.type === 'status').length, 1, 'once per change');
});

test('status tick: the selected pair RTT to a peer with a coordinate moves our coordinate, which is then reported', async () => {
  const { FakeSocket, sent } = scriptedServer();
  const { agent } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], FakeSocket);
  await agent.start();
  const remote = 'd'.repeat(32);
  let described = null;
  const stats = new Map([['t', { type: 'transport', selectedCandidatePairId: 'p' }], ['p', { type: 'candidate-pair', id: 'p', currentRoundTripTime: 0.04 }]]);
  agent.peers.set(remote, { peerId: remote, pc: { getStats: async () => stats, setRemoteDescription: async (d) => { described = d; } } });
  // the answer carries the other peer's coordinate; the description handed to WebRTC is only type and sdp
  await agent.onSignalingMessage({ type: 'signal', from: remote, kind: 'answer',
    payload: { type: 'answer', sdp: 'v=0', coordinate: { vector: [30], height: 2, error: 0.2 } } });
  assert.deepEqual(described, { type: 'answer', sdp: 'v=0' });
  agent.peers.get(remote).ready = true;
  await agent.statusTick();
  const status = sent.filter((m) => m.type === 'status');
  assert.equal(status.length, 1);
  assert.equal(status[0].coordinate.vector.length, 8);
  assert.ok(status[0].coordinate.error < 1.5, 'a sample lowered the error');
  assert.ok(Math.abs(status[0].coordinate.vector[0]) > 0, 'the sample moved the point');

  // a malformed coordinate from the network is ignored, not sampled against
  await agent.onSignalingMessage({ type: 'signal', from: remote, kind: 'answer', payload: { type: 'answer', sdp: 'v=0', coordinate: { vector: ['x'] } } });
  assert.equal(agent.peers.get(remote).remoteCoordinate, null);
});

test('peer connections come from the injected RTCPeerConnection class, configured with the welcome\'s ICE servers and the policy', async () => {
  const created = [];
  class FakePeerConnection {
    constructor(config) {
      this.config = config;
      created.push(this);
    }

    async setRemoteDescription(description) { this.remote = description; }

    async createAnswer() { return { type: 'answer', sdp: 'v=0 answer' }; }

    async setLocalDescription(description) { this.local = description; }

    close() { this.closed = true; }
  }
  const { FakeSocket, sent } = scriptedServer();
  const { agent } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], FakeSocket, undefined,
    { RTCPeerConnectionImpl: FakePeerConnection, agent: { iceTransportPolicy: 'relay' } });
  await agent.start();
  const offerer = 'd'.repeat(32);
  await agent.onSignalingMessage({ type: 'signal', from: offerer, kind: 'offer', payload: { type: 'offer', sdp: 'v=0 offer' } });
  assert.equal(created.length, 1);
  assert.deepEqual(created[0].config, { iceServers: [], iceTransportPolicy: 'relay' });
  assert.deepEqual(created[0].remote, { type: 'offer', sdp: 'v=0 offer' });
  const { coordinate, ...description } = sent.at(-1).payload;
  assert.deepEqual({ ...sent.at(-1), payload: description }, { type: 'signal', to: offerer, kind: 'answer', payload: { type: 'answer', sdp: 'v=0 answer' } });
  assert.equal(coordinate.vector.length, 8, 'the answer carries our coordinate');
  agent.closePeer(offerer, 'bye');
  assert.equal(created[0].closed, true);
});

test('a full pool makes room for a new peer by closing the connection idle the longest, and only one idle long enough', async () => {
  class FakePeerConnection {
    async setRemoteDescription() {}

    async createAnswer() { return { type: 'answer', sdp: 'v=0 answer' }; }

    async setLocalDescription() {}

    close() { this.closed = true; }
  }
  const { FakeSocket, sent } = scriptedServer();
  const { agent } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], FakeSocket, undefined,
    { RTCPeerConnectionImpl: FakePeerConnection, agent: { maxPeers: 3, idleEvictMs: 1000 } });
  let now = 10_000;
  agent.clock = { now: () => now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h) };
  await agent.start();
  const links = {};
  const held = (id, lastActivity) => {
    links[id] = { closed: null, close(reason) { this.closed = reason; } };
    agent.peers.set(id, { peerId: id, pc: new FakePeerConnection(), link: links[id], ready: true, lastActivity });
  };
  held('p1'.padEnd(32, '1'), 9_500); // busy half a second ago
  held('p2'.padEnd(32, '2'), 8_000); // idle 2 s: the idlest
  held('p3'.padEnd(32, '3'), 8_500); // idle 1.5 s

  const newcomer = 'n'.repeat(32);
  await agent.onSignalingMessage({ type: 'signal', from: newcomer, kind: 'offer', payload: { type: 'offer', sdp: 'v=0' } });
  assert.equal(links['p2'.padEnd(32, '2')].closed, 'idle-evicted', 'the idlest connection is closed');
  assert.equal(links['p3'.padEnd(32, '3')].closed, null);
  assert.ok(agent.peers.has(newcomer));
  assert.equal(sent.at(-1).kind, 'answer', 'the newcomer is answered, not refused');
  assert.equal(agent.snapshot().failures['peer-idle-evicted'], 1);

  // every remaining connection received something within idleEvictMs: the next offer is refused
  now = 10_000;
  agent.peers.get('p3'.padEnd(32, '3')).lastActivity = 9_800;
  agent.peers.get(newcomer).ready = true;
  agent.peers.get(newcomer).lastActivity = 9_900;
  const late = 'm'.repeat(32);
  await agent.onSignalingMessage({ type: 'signal', from: late, kind: 'offer', payload: { type: 'offer', sdp: 'v=0' } });
  assert.deepEqual(sent.at(-1), { type: 'signal', to: late, kind: 'bye' });
  assert.equal(agent.snapshot().failures['pool-full'], 1);
  assert.equal(agent.peers.size, 3);
});

test('of the holders discovery names, the agent connects to a random few (connectFanout), not always the first ones', async () => {
  const named = Array.from({ length: 12 }, (_, i) => `h${String(i).padStart(2, '0')}`.padEnd(32, 'x'));
  const { FakeSocket: NamingSocket, sent } = scriptedServer(named);
  class SilentPeerConnection {
    createDataChannel() { return { addEventListener() {}, close() {} }; }

    async createOffer() { return { type: 'offer', sdp: 'v=0' }; }

    async setLocalDescription() {}

    close() {}
  }
  const picks = [];
  for (const seed of [1, 2]) {
    const { agent, files } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], NamingSocket, undefined,
      { RTCPeerConnectionImpl: SilentPeerConnection, agent: { connectWaitMs: 20, connectTimeoutMs: 50 } });
    let x = seed;
    agent.random = () => { x = (x * 48271) % 2147483647; return x / 2147483647; };
    await agent.start();
    assert.deepEqual(await agent.peersFor(files[0]), [], 'nobody answers: no link');
    assert.equal(sent.filter((m) => m.type === 'find').at(-1).limit, 12);
    const offered = [...agent.peers.keys()];
    assert.equal(offered.length, 4, 'connectFanout offers');
    assert.ok(offered.every((id) => named.includes(id)));
    picks.push(offered.join());
    for (const id of offered) agent.closePeer(id, 'bye');
  }
  assert.notEqual(picks[0], picks[1], 'different random draws pick different holders');
  assert.notEqual(picks[0], named.slice(0, 4).join(), 'not simply the first four');
});

/**
 * A peer connection that behaves like werift where it matters here: its candidates are found during
 * setLocalDescription, before that resolves; and like a browser, addIceCandidate without a remote description fails.
 */
class EagerPeerConnection {
  constructor() {
    this.added = [];
    this.remoteDescription = null;
  }

  createDataChannel() { return { addEventListener() {}, close() {} }; }

  async createOffer() { return { type: 'offer', sdp: 'v=0 offer' }; }

  async createAnswer() { return { type: 'answer', sdp: 'v=0 answer' }; }

  async setLocalDescription(description) {
    this.localDescription = description;
    for (const port of [5000, 5001]) {
      const candidate = { candidate: `candidate:1 1 udp 2116026367 127.0.0.1 ${port} typ host`, sdpMid: '0', sdpMLineIndex: 0 };
      this.onicecandidate?.({ candidate: { toJSON: () => candidate } });
    }
  }

  async setRemoteDescription(description) {
    await settle();
    this.remoteDescription = description;
  }

  async addIceCandidate(candidate) {
    if (!this.remoteDescription) throw new DOMException('The remote description was null', 'InvalidStateError');
    this.added.push(candidate.candidate);
  }

  close() { this.closed = true; }
}

const remoteCandidate = (port) => ({ candidate: `candidate:2 1 udp 2116026367 127.0.0.1 ${port} typ host`, sdpMid: '0', sdpMLineIndex: 0 });

test('candidates found before our offer went out follow it; the peer\'s candidates that come before its answer are added after it', async () => {
  const { FakeSocket, sent } = scriptedServer();
  const { agent } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], FakeSocket, undefined, { RTCPeerConnectionImpl: EagerPeerConnection });
  await agent.start();
  const peer = 'e'.repeat(32);
  agent.connect(peer).catch(() => {});
  await settle();
  const toPeer = sent.filter((m) => m.type === 'signal' && m.to === peer);
  assert.deepEqual(toPeer.map((m) => m.kind), ['offer', 'candidate', 'candidate'], 'the offer first: without it the peer cannot add them');
  assert.match(toPeer[1].payload.candidate, / 5000 typ host/);

  const { pc } = agent.peers.get(peer);
  await agent.onSignalingMessage({ type: 'signal', from: peer, kind: 'candidate', payload: remoteCandidate(6000) });
  assert.deepEqual(pc.added, [], 'no answer yet: kept, not added (it would fail)');
  await agent.onSignalingMessage({ type: 'signal', from: peer, kind: 'answer', payload: { type: 'answer', sdp: 'v=0 answer' } });
  await agent.onSignalingMessage({ type: 'signal', from: peer, kind: 'candidate', payload: remoteCandidate(6001) });
  assert.equal(pc.added.length, 2);
  assert.match(pc.added[0], / 6000 typ host/);
  assert.match(pc.added[1], / 6001 typ host/);
  assert.equal(agent.snapshot().failures['bad-candidate'], undefined);

  // a candidate the connection refuses still counts
  pc.addIceCandidate = async () => { throw new DOMException('bad', 'OperationError'); };
  await agent.onSignalingMessage({ type: 'signal', from: peer, kind: 'candidate', payload: remoteCandidate(6002) });
  assert.equal(agent.snapshot().failures['bad-candidate'], 1);
  agent.closePeer(peer, 'bye');
});

test('candidates that come before the peer\'s offer are kept (bounded) and added once the offer is in; our answer goes before our candidates', async () => {
  const { FakeSocket, sent } = scriptedServer();
  const { agent } = agentWith([{ path: '/x.bin', bytes: randomBytes(10, 3) }], FakeSocket, undefined, { RTCPeerConnectionImpl: EagerPeerConnection });
  let now = 50_000;
  agent.clock = { now: () => now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h) };
  await agent.start();
  const offerer = 'f'.repeat(32);
  for (let port = 7000; port < 7040; port++) await agent.onSignalingMessage({ type: 'signal', from: offerer, kind: 'candidate', payload: remoteCandidate(port) });
  await agent.onSignalingMessage({ type: 'signal', from: offerer, kind: 'offer', payload: { type: 'offer', sdp: 'v=0 offer' } });
  const { pc } = agent.peers.get(offerer);
  assert.equal(pc.added.length, 32, 'at most 32 kept per peer');
  assert.match(pc.added[0], / 7000 typ host/);
  const toOfferer = sent.filter((m) => m.type === 'signal' && m.to === offerer).map((m) => m.kind);
  assert.deepEqual(toOfferer, ['answer', 'candidate', 'candidate']);
  assert.equal(agent.snapshot().failures['bad-candidate'], undefined);
  agent.closePeer(offerer, 'bye');

  // at most 16 peers' early candidates are kept, the oldest forgotten first
  for (let i = 0; i < 20; i++) await agent.onSignalingMessage({ type: 'signal', from: `q${i}`.padEnd(32, 'q'), kind: 'candidate', payload: remoteCandidate(8000 + i) });
  assert.equal(agent.earlyCandidates.size, 16);
  assert.ok(!agent.earlyCandidates.has('q0'.padEnd(32, 'q')));
  // candidates older than the connect timeout belong to an attempt given up on: not added to a new connection
  now += agent.options.connectTimeoutMs + 1;
  const stale = 'q19'.padEnd(32, 'q');
  await agent.onSignalingMessage({ type: 'signal', from: stale, kind: 'offer', payload: { type: 'offer', sdp: 'v=0 offer' } });
  assert.deepEqual(agent.peers.get(stale).pc.added, []);
  assert.ok(!agent.earlyCandidates.has(stale));
  // a banned peer's candidates are not kept
  agent.reportPeer('r'.repeat(32), 'chunk-hash');
  await agent.onSignalingMessage({ type: 'signal', from: 'r'.repeat(32), kind: 'candidate', payload: remoteCandidate(9000) });
  assert.ok(!agent.earlyCandidates.has('r'.repeat(32)));
});

test('a file asked for while connections to its holders are still opening waits for the first to open (within connectWaitMs), not for the origin', async () => {
  const named = ['h1', 'h2', 'h3', 'h4'].map((id) => id.padEnd(32, 'x'));
  const { FakeSocket: NamingSocket } = scriptedServer(named);
  const channels = new Map();
  class OpenablePeerConnection {
    createDataChannel() {
      const listeners = {};
      const dc = {
        listeners, send() {}, close() {}, bufferedAmount: 0,
        addEventListener(type, fn) { (listeners[type] ??= []).push(fn); },
        fire(type) { for (const fn of listeners[type] ?? []) fn({}); },
      };
      this.dc = dc;
      return dc;
    }

    async createOffer() { return { type: 'offer', sdp: 'v=0' }; }

    async setLocalDescription() {}

    async getStats() { return new Map(); }

    close() {}
  }
  const files = [{ path: '/a.bin', bytes: randomBytes(10, 3) }, { path: '/b.bin', bytes: randomBytes(10, 4) }];
  const { agent, files: [a, b] } = agentWith(files, NamingSocket, undefined,
    { RTCPeerConnectionImpl: OpenablePeerConnection, agent: { maxPeers: 4, connectFanout: 4, connectWaitMs: 400 } });
  await agent.start();
  for (const id of named) channels.set(id, null);

  const forA = agent.peersFor(a);
  await settle();
  assert.equal(agent.peers.size, 4, 'the first file opened the whole pool');
  let bDone = false;
  const forB = agent.peersFor(b).then((links) => { bDone = true; return links; });
  await settle();
  assert.equal(bDone, false, 'the second file waits for the connections on the way instead of taking the origin');
  const first = agent.peers.get(named[2]);
  first.pc.dc.fire('open');
  const [linksA, linksB] = await Promise.all([forA, forB]);
  assert.deepEqual(linksA.map((l) => l.id), [named[2]]);
  assert.deepEqual(linksB.map((l) => l.id), [named[2]], 'both files get the holder whose connection opened first');

  // none opens: the wait ends at connectWaitMs with no link, and the origin serves
  for (const id of [...agent.peers.keys()]) agent.closePeer(id, 'bye');
  const started = Date.now();
  assert.deepEqual(await agent.peersFor(a), []);
  const waitedMs = Date.now() - started;
  assert.ok(waitedMs >= 350 && waitedMs < 3000, `waited ${waitedMs} ms`);
  let secondDone = false;
  const second = agent.peersFor(b).then((links) => { secondDone = true; return links; });
  await settle();
  assert.equal(secondDone, false);
  assert.deepEqual(await second, []);
  for (const id of [...agent.peers.keys()]) agent.closePeer(id, 'bye');
});
