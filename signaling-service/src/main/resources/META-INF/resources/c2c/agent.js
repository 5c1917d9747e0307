// The peer agent that lives in the shell page: signaling, a small pool of data channels, fetching
// manifest files from peers with origin fallback, storing and announcing what it holds, serving others.
// Browser glue around the pure modules; see docs/browser.md for the design and what is tested where.

import { every, systemClock } from './clock.js';
import { CacheStorageBackend, ChunkStore, MemoryBackend } from './chunk-store.js';
import { DC_PROTOCOL } from './dc-protocol.js';
import { FetchError } from './errors.js';
import { chunkLength, parseManifest, verifyChunk } from './manifest.js';
import { PeerLink, attachDataChannel } from './peer-link.js';
import { fetchFile } from './scheduler.js';
import { SIGNALING_PATH, SignalingClient } from './signaling-client.js';
import { StatsReporter } from './stats-reporter.js';
import { UploadPolicy, UploadServer, browserEnvironment, setOptOut } from './upload.js';
import { VivaldiCoordinate, parseCoordinate } from './vivaldi.js';

/** Defaults of the agent; each can be overridden by the bootstrap answer's `agent` object. */
export const AGENT_DEFAULTS = Object.freeze({
  bootstrapUrl: '/_c2c/bootstrap',
  originBase: '/_c2c/origin',
  maxPeers: 6,
  /** peers asked from discovery per file */
  findLimit: 12,
  /** of those, how many (picked at random) the agent connects to when it has no open link to a holder */
  connectFanout: 4,
  /** longest a file request waits for a first connection to a holder; counted before the scheduler starts */
  connectWaitMs: 300,
  /** a connection not open within this is abandoned */
  connectTimeoutMs: 5000,
  /** in a full pool, a connection that received nothing this long is closed to make room for a new peer */
  idleEvictMs: 3000,
  /** budget of held chunks */
  storeBytes: 64 * 1024 * 1024,
  /** largest bootstrap answer accepted */
  maxBootstrapBytes: 8 * 1024 * 1024,
  iceTransportPolicy: 'all',
  /** overrides of the scheduler's DEFAULT_FETCH_POLICY (deadlines, timeouts, per-peer limit) */
  fetchPolicy: Object.freeze({}),
  /** how often peer RTTs are sampled and a changed `status` is sent */
  statusIntervalMs: 30_000,
});

/** Candidates kept per connection while a description is not out or not in yet (a peer has a handful). */
const MAX_QUEUED_CANDIDATES = 32;
/** Peers whose candidates are kept before their offer arrived. */
const MAX_EARLY_PEERS = 16;

/** Reads a JSON response with a byte bound (a manifest is data from the network like any other). */
async function boundedJson(response, maxBytes) {
  const text = await response.text();
  if (text.length > maxBytes) throw new Error(`answer larger than ${maxBytes} bytes`);
  return JSON.parse(text);
}

/** The platform's origin proxy as the scheduler's OriginSource: one GET, a Range when only part is missing. */
export function originProxy(originBase, fetchImpl = globalThis.fetch) {
  return {
    async fetchRange(file, start, end, signal) {
      const whole = start === 0 && end === file.size;
      const headers = whole ? {} : { Range: `bytes=${start}-${end - 1}` };
      const response = await fetchImpl(`${originBase}${file.path}`, { headers, signal, cache: 'no-store' });
      if (response.status !== 200 && response.status !== 206) throw new Error(`origin proxy answered ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      // An origin that ignores Range answers 200 with the whole file: take our part of it.
      return response.status === 200 && !whole ? bytes.subarray(start, end) : bytes;
    },
  };
}

export class PeerAgent {
  /**
   * @param {Object} config
   * @param {string} config.siteId
   * @param {unknown} config.manifest manifest JSON (validated here)
   * @param {Object} config.settings the owner's settings (p2pEnabled, uploadCapBytesPerSecond, maxP2pFileBytes, globalPrivacyControl)
   * @param {Partial<typeof AGENT_DEFAULTS>} [config.agent]
   * @param {string} [config.signalingUrl]
   * @param {typeof WebSocket} [config.WebSocketImpl] the socket class (tests put a relay they drive in its place)
   * @param {typeof RTCPeerConnection} [config.RTCPeerConnectionImpl] the peer connection class (the swarm benchmark
   *   runs this agent in Node with another WebRTC stack)
   */
  constructor({
    siteId, manifest, settings = {}, agent = {}, signalingUrl, WebSocketImpl = globalThis.WebSocket,
    RTCPeerConnectionImpl = globalThis.RTCPeerConnection,
  }) {
    this.WebSocketImpl = WebSocketImpl;
    this.RTCPeerConnectionImpl = RTCPeerConnectionImpl;
    this.options = { ...AGENT_DEFAULTS, ...agent };
    this.siteId = siteId;
    this.manifest = parseManifest(manifest);
    this.settings = settings;
    this.signalingUrl = signalingUrl ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SIGNALING_PATH}`;
    this.clock = systemClock;
    this.random = Math.random;
    this.policy = new UploadPolicy(settings, browserEnvironment());
    this.store = new ChunkStore({
      maxBytes: this.options.storeBytes,
      backend: globalThis.caches
        ? CacheStorageBackend.forPageLife(globalThis.caches, {
          onPageHide: (drop) => globalThis.addEventListener?.('pagehide', (event) => { if (!event.persisted) drop(); }),
        })
        : new MemoryBackend(),
      onComplete: (hash) => this.announce([hash]),
      onEvict: (hash) => this.signaling?.drop([hash]),
    });
    this.upload = new UploadServer({ store: this.store, policy: this.policy, clock: this.clock });
    this.origin = originProxy(this.options.originBase);
    /** peerId → { pc, link, open: Promise, type, remoteCoordinate } */
    this.peers = new Map();
    this.position = new VivaldiCoordinate();
    /** the last `status` that went out, to send only what changed */
    this.sentStatus = null;
    /** file hash → peer ids discovery named as holders */
    this.holders = new Map();
    /** file hash → the fetch in progress */
    this.inflight = new Map();
    /** peers dropped for a bad chunk or a protocol violation: never contacted or accepted again (bounded) */
    this.banned = new Set();
    /** peerId → candidates that came before the peer's offer (bounded, see keepEarlyCandidate) */
    this.earlyCandidates = new Map();
    this.stats = {
      bytesFromPeers: 0, bytesFromOrigin: 0, filesFromPeers: 0, filesFromOrigin: 0, filesMixed: 0, filesFromCache: 0,
      peersConnected: 0, connectionsByType: { host: 0, srflx: 0, prflx: 0, relay: 0 }, failures: {}, badPeers: [], reported: 0,
    };
  }

  fail(reason) {
    this.stats.failures[reason] = (this.stats.failures[reason] ?? 0) + 1;
  }

  async start() {
    this.signaling = new SignalingClient({
      url: this.signalingUrl,
      site: this.siteId,
      WebSocketImpl: this.WebSocketImpl,
      onMessage: (m) => this.onSignalingMessage(m).catch(() => this.fail('signal-handling')),
      onClose: () => this.fail('signaling-closed'),
    });
    let resume;
    try {
      resume = JSON.parse(sessionStorage.getItem('c2c.resume') ?? 'null');
    } catch {
      resume = null;
    }
    const capacity = this.uploadCapacity();
    const welcome = await this.signaling.connect(resume, { uploadCapacity: capacity });
    // hello told the capacity; a coordinate goes with the next status
    this.sentStatus = { status: { uploadCapacity: capacity, uploadRate: 0 }, at: this.clock.now(), served: this.upload.stats.bytesServed };
    try {
      sessionStorage.setItem('c2c.resume', JSON.stringify({ peerId: welcome.peerId, resumeToken: welcome.resumeToken }));
    } catch {
      // storage blocked: the next page life starts as a new peer, which is only slower
    }
    this.peerId = welcome.peerId;
    this.iceServers = Array.isArray(welcome.iceServers) ? welcome.iceServers : [];
    // Files kept before this welcome (the frame may load before signaling is up, or under a previous peer id) were
    // never announced to this session: without this, discovery would never name this peer for them.
    const held = this.store.completeFiles();
    if (held.length) this.signaling.have(held);
    // one reporter for the page's life: after a reconnect it goes on from what it already reported
    this.reporter ??= new StatsReporter({ snapshot: () => this.snapshot(), send: (m) => this.signaling?.send(m) ?? false, clock: this.clock });
    this.reporter.start();
    if (!this.stopStatus) {
      this.stopStatus = every(this.clock, this.options.statusIntervalMs, () => this.statusTick().catch(() => this.fail('status-failed')));
      // the visitor's limits can change under a running page
      globalThis.navigator?.connection?.addEventListener?.('change', () => this.sendStatus());
      globalThis.addEventListener?.('storage', () => this.sendStatus());
    }
    return this;
  }

  /** Stores the visitor's choice not to upload (or withdraws it), telling signaling at once. */
  setUploadOptOut(optOut) {
    setOptOut(optOut);
    this.sendStatus();
  }

  /** Samples each connected peer's RTT (the selected ICE pair's: no extra traffic) into the coordinate; sends a changed status. */
  async statusTick() {
    for (const entry of this.peers.values()) {
      if (!entry.ready || !entry.remoteCoordinate) continue;
      const rtt = await selectedPairRtt(entry.pc);
      if (rtt !== null) this.position.update(rtt, entry.remoteCoordinate);
    }
    this.sendStatus();
  }

  /** Sends `status` when the capacity, the upload rate (by over a fifth) or the coordinate changed. */
  sendStatus() {
    if (!this.signaling?.welcome) return;
    const now = this.clock.now();
    const served = this.upload.stats.bytesServed;
    const previous = this.sentStatus;
    const seconds = previous ? (now - previous.at) / 1000 : 0;
    const uploadRate = seconds > 0 ? Math.max(0, Math.floor((served - previous.served) / seconds)) : 0;
    const status = { uploadCapacity: this.uploadCapacity(), uploadRate };
    if (this.position.samples > 0) status.coordinate = this.position.toJSON();
    const changed = !previous || previous.status.uploadCapacity !== status.uploadCapacity
      || Math.abs(previous.status.uploadRate - uploadRate) > Math.max(1024, previous.status.uploadRate / 5)
      || JSON.stringify(previous.status.coordinate) !== JSON.stringify(status.coordinate);
    if (changed && this.signaling.send({ type: 'status', ...status }) !== false) this.sentStatus = { status, at: now, served };
  }

  /**
   * What this visitor offers to upload now, in bytes/s, for hello's `capabilities.uploadCapacity`: discovery-service
   * never recommends a peer without spare capacity, so a peer that announced none would never be asked.
   */
  uploadCapacity() {
    const decision = this.policy.decide();
    return decision.allowed ? Math.floor(Math.min(decision.capBytesPerSecond, 1e10)) : 0;
  }

  announce(hashes) {
    // Before the welcome the announcement would be lost (socket not open yet); start() announces everything held.
    if (this.signaling?.welcome) this.signaling.have(hashes);
    for (const { link } of this.peers.values()) link?.sendHave(hashes);
  }

  /**
   * Answers the service worker: the file's verified bytes, from peers and/or the origin.
   * @returns {Promise<{ok: true, body: ArrayBuffer, contentType: string, source: string}|{ok: false, final: boolean, reason: string}>}
   */
  async serve(path) {
    const file = this.manifest.byPath.get(path);
    if (!file) return { ok: false, final: true, reason: 'not-in-manifest' };
    // Files above the owner's P2P limit are not assembled in memory: the worker lets the network stream them.
    if (file.size > (this.settings.maxP2pFileBytes ?? Infinity)) return { ok: false, final: true, reason: 'too-large' };
    // Concurrent requests for one file share one fetch; each answer gets its own copy (bodies are transferred).
    let pending = this.inflight.get(file.sha256);
    if (!pending) {
      pending = this.obtain(file).finally(() => this.inflight.delete(file.sha256));
      this.inflight.set(file.sha256, pending);
    }
    const result = await pending;
    if (!result.ok) return result;
    const { bytes, source } = result;
    return { ok: true, body: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), contentType: file.contentType, source };
  }

  /** The file's verified bytes: from the store when held whole, else from peers and/or the origin. */
  async obtain(file) {
    if (this.store.isComplete(file.sha256)) {
      const held = await this.fromStore(file);
      if (held) {
        this.stats.filesFromCache++;
        return { ok: true, bytes: held, source: 'cache' };
      }
    }
    // Before signaling is up (the frame may start loading first) the origin serves: no waiting on the agent.
    const p2p = !!this.signaling?.welcome && this.policy.downloadsFromPeers();
    const peers = p2p ? await this.peersFor(file) : [];
    try {
      const { bytes, stats } = await fetchFile({
        file, peers, origin: this.origin, clock: this.clock, policy: this.options.fetchPolicy,
        events: {
          onPeerBad: (peerId, info) => {
            this.stats.badPeers.push({ peerId, ...info });
            this.fail('bad-chunk');
            this.reportPeer(peerId, info.reason === 'chunk-length' ? 'chunk-length' : 'chunk-hash');
          },
          onPeerDropped: (peerId, reason) => this.closePeer(peerId, reason),
        },
      });
      this.stats.bytesFromPeers += stats.bytesFromPeers;
      this.stats.bytesFromOrigin += stats.bytesFromOrigin;
      if (stats.bytesFromOrigin === 0) this.stats.filesFromPeers++;
      else if (stats.bytesFromPeers === 0) this.stats.filesFromOrigin++;
      else this.stats.filesMixed++;
      if (stats.fallbackReason && stats.fallbackReason !== 'no-peers') this.fail(`fallback-${stats.fallbackReason}`);
      this.keep(file, bytes).catch(() => this.fail('store-failed'));
      const source = stats.bytesFromOrigin === 0 ? 'peers' : stats.bytesFromPeers === 0 ? 'origin' : 'mixed';
      return { ok: true, bytes, source };
    } catch (err) {
      this.fail(err instanceof FetchError ? err.code : 'fetch-failed');
      return { ok: false, final: true, reason: err?.code ?? 'fetch-failed' };
    }
  }

  /** Reads a held file back, verifying every chunk again (storage is outside the agent's memory); null if anything is off. */
  async fromStore(file) {
    const bytes = new Uint8Array(file.size);
    for (let i = 0; i < file.chunks.length; i++) {
      // eslint-disable-next-line no-await-in-loop
      const chunk = await this.store.get(file.sha256, i);
      try {
        // eslint-disable-next-line no-await-in-loop
        await verifyChunk(file, i, chunk);
      } catch {
        await this.store.evict(file.sha256);
        this.fail('store-corrupt');
        return null;
      }
      bytes.set(chunk, i * file.chunkSize);
    }
    return bytes;
  }

  async keep(file, bytes) {
    for (let i = 0; i < file.chunks.length; i++) {
      const start = i * file.chunkSize;
      // eslint-disable-next-line no-await-in-loop
      await this.store.put(file.sha256, i, file.chunks.length, bytes.subarray(start, start + chunkLength(file, i)));
    }
  }

  /**
   * A peer misbehaved: it is never asked or accepted again by this agent, and signaling is told (once per peer),
   * so that discovery stops recommending it to everybody. `stats.reported` counts the reports sent.
   */
  reportPeer(peerId, reason) {
    if (this.banned.has(peerId)) return;
    if (this.banned.size >= 256) this.banned.delete(this.banned.values().next().value);
    this.banned.add(peerId);
    if (this.signaling?.welcome && this.signaling.report(peerId, reason)) this.stats.reported++;
  }

  /** Open links to peers believed to hold the file; asks discovery and connects when there are none. */
  async peersFor(file) {
    const holding = () => [...this.peers.values()]
      .filter((p) => p.ready && !p.link.isClosed && (p.link.has(file.sha256) || this.holders.get(file.sha256)?.has(p.peerId)))
      .map((p) => p.link);
    if (holding().length > 0) return holding();
    const wait = new Promise((resolve) => this.clock.setTimeout(resolve, this.options.connectWaitMs));
    const found = await Promise.race([this.signaling.find(file.sha256, this.options.findLimit), wait.then(() => [])]);
    const known = this.holders.get(file.sha256) ?? new Set();
    found.forEach((id) => known.add(id));
    this.holders.set(file.sha256, known);
    if (this.peers.size >= this.options.maxPeers) this.evictIdle();
    // Discovery ranks equally good holders the same way for every asker: connecting to a random few of those it
    // named spreads the visitors over them instead of sending everybody to the same first ones.
    const candidates = found.filter((id) => id !== this.peerId && !this.banned.has(id));
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    const opening = candidates.slice(0, Math.max(0, Math.min(this.options.connectFanout, this.options.maxPeers - this.peers.size)))
      .map((id) => this.connect(id));
    // Connections to holders of this file may already be on the way (a concurrent request for another file opened
    // them, or they offered): wait for those too. Without this, while the first connections of a page were still
    // opening, every further file found the pool full and went to the origin at once.
    const pending = [...this.peers.values()].filter((p) => !p.ready && p.opened && known.has(p.peerId)).map((p) => p.opened);
    const waitingFor = [...opening, ...pending];
    if (waitingFor.length) await Promise.race([Promise.any(waitingFor).catch(() => {}), wait]);
    return holding();
  }

  newConnection(peerId) {
    const pc = new this.RTCPeerConnectionImpl({ iceServers: this.iceServers, iceTransportPolicy: this.options.iceTransportPolicy });
    // outgoing: our candidates wait until our offer or answer went out (some stacks, werift among them, find
    // candidates before setLocalDescription resolves; sent first, the other side has no description to add them
    // to and they are lost); incoming: candidates that came before the other side's description
    const entry = {
      peerId, pc, link: null, ready: false, type: null, lastActivity: this.clock.now(),
      described: false, outgoing: [], remoteDescribed: false, incoming: [],
    };
    pc.onicecandidate = (e) => {
      if (!e.candidate) return;
      if (entry.described) this.signaling.signal(peerId, 'candidate', e.candidate.toJSON());
      else if (entry.outgoing.length < MAX_QUEUED_CANDIDATES) entry.outgoing.push(e.candidate.toJSON());
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.closePeer(peerId, 'ice-failed');
    };
    this.peers.set(peerId, entry);
    return entry;
  }

  /** Binds a data channel to a PeerLink; resolves when it is open. */
  attach(entry, dc) {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.closePeer(entry.peerId, 'connect-timeout');
        reject(new Error('connect-timeout'));
      }, this.options.connectTimeoutMs);
      entry.link = attachDataChannel(dc, (channel) => new PeerLink({
        peerId: entry.peerId, channel, uploadServer: this.upload,
        onViolation: (peerId, code) => {
          this.stats.badPeers.push({ peerId, reason: `protocol-${code}` });
          this.fail(`protocol-${code}`);
          this.reportPeer(peerId, 'protocol-violation');
        },
        onClose: (peerId) => this.closePeer(peerId, 'closed'),
      }));
      dc.addEventListener('message', () => { entry.lastActivity = this.clock.now(); });
      dc.addEventListener('open', () => {
        this.clock.clearTimeout(timer);
        entry.lastActivity = this.clock.now();
        entry.ready = true;
        this.stats.peersConnected = [...this.peers.values()].filter((p) => p.ready).length;
        entry.link.sendHave(this.store.completeFiles());
        this.recordPath(entry);
        resolve(entry.link);
      }, { once: true });
    });
  }

  /** Counts the connection by the type of the selected local candidate (host / srflx / relay). */
  async recordPath(entry) {
    try {
      const report = await entry.pc.getStats();
      const pair = selectedPair(report);
      const local = pair && report.get(pair.localCandidateId);
      if (local?.candidateType) {
        entry.type = local.candidateType;
        this.stats.connectionsByType[local.candidateType] = (this.stats.connectionsByType[local.candidateType] ?? 0) + 1;
      }
    } catch {
      this.fail('stats-unavailable');
    }
  }

  async connect(peerId) {
    if (this.peers.has(peerId)) return this.peers.get(peerId).opened;
    const entry = this.newConnection(peerId);
    const dc = entry.pc.createDataChannel(DC_PROTOCOL, { ordered: true });
    entry.opened = this.attach(entry, dc);
    entry.opened.catch(() => {});
    const offer = await entry.pc.createOffer();
    await entry.pc.setLocalDescription(offer);
    this.signaling.signal(peerId, 'offer', { type: offer.type, sdp: offer.sdp, coordinate: this.position.toJSON() });
    this.described(entry);
    return entry.opened;
  }

  /** Our offer or answer went out: the candidates found meanwhile follow it. */
  described(entry) {
    entry.described = true;
    if (this.peers.get(entry.peerId) !== entry) return; // closed meanwhile
    for (const candidate of entry.outgoing.splice(0)) this.signaling.signal(entry.peerId, 'candidate', candidate);
  }

  /** The other side's description is in place: the candidates that came before it are added now. */
  async addQueuedCandidates(entry) {
    for (const candidate of entry.incoming?.splice(0) ?? []) {
      // eslint-disable-next-line no-await-in-loop
      await entry.pc.addIceCandidate(candidate).catch(() => this.fail('bad-candidate'));
    }
  }

  /**
   * Keeps a candidate from a peer we have no connection with yet: its offer may still be on the way (the sender's
   * stack found the candidate before the offer went out). Bounded: MAX_EARLY_PEERS peers, the oldest forgotten.
   */
  keepEarlyCandidate(from, payload) {
    let queued = this.earlyCandidates.get(from);
    if (!queued) {
      if (this.earlyCandidates.size >= MAX_EARLY_PEERS) this.earlyCandidates.delete(this.earlyCandidates.keys().next().value);
      queued = { at: this.clock.now(), candidates: [] };
      this.earlyCandidates.set(from, queued);
    }
    if (queued.candidates.length < MAX_QUEUED_CANDIDATES) queued.candidates.push(payload);
  }

  async onSignalingMessage(message) {
    if (message.type === 'reconnect') {
      this.clock.setTimeout(() => this.start().catch(() => this.fail('resume-failed')), message.retryAfterMs ?? 1000);
      return;
    }
    if (message.type !== 'signal' || typeof message.from !== 'string') return;
    const { from, kind, payload } = message;
    let entry = this.peers.get(from);
    if (kind === 'offer') {
      const early = this.earlyCandidates.get(from);
      this.earlyCandidates.delete(from);
      // Both offered at once (ours not answered yet): the lower id keeps its own offer. An offer from a peer we
      // are connected to means it lost our connection and starts over: take the new one.
      if (entry && !entry.ready && this.peerId < from) return;
      if (entry) this.closePeer(from, entry.ready ? 'replaced' : 'glare');
      if (this.banned.has(from)) {
        this.signaling.signal(from, 'bye');
        this.fail('offer-from-banned');
        return;
      }
      if (this.peers.size >= this.options.maxPeers && !this.evictIdle()) {
        this.signaling.signal(from, 'bye');
        this.fail('pool-full');
        return;
      }
      entry = this.newConnection(from);
      entry.opened = new Promise((resolve, reject) => {
        entry.pc.ondatachannel = (e) => {
          if (e.channel.label !== DC_PROTOCOL) {
            e.channel.close(); // another protocol version: refuse rather than misread its frames
            return;
          }
          this.attach(entry, e.channel).then(resolve, reject);
        };
      });
      entry.opened.catch(() => {});
      entry.remoteCoordinate = parseCoordinate(payload?.coordinate);
      if (early && this.clock.now() - early.at <= this.options.connectTimeoutMs) entry.incoming.push(...early.candidates);
      await entry.pc.setRemoteDescription({ type: payload?.type, sdp: payload?.sdp });
      entry.remoteDescribed = true;
      await this.addQueuedCandidates(entry);
      const answer = await entry.pc.createAnswer();
      await entry.pc.setLocalDescription(answer);
      this.signaling.signal(from, 'answer', { type: answer.type, sdp: answer.sdp, coordinate: this.position.toJSON() });
      this.described(entry);
    } else if (kind === 'answer' && entry) {
      entry.remoteCoordinate = parseCoordinate(payload?.coordinate);
      await entry.pc.setRemoteDescription({ type: payload?.type, sdp: payload?.sdp });
      entry.remoteDescribed = true;
      await this.addQueuedCandidates(entry);
    } else if (kind === 'candidate' && entry) {
      if (!entry.remoteDescribed) {
        if (entry.incoming.length < MAX_QUEUED_CANDIDATES) entry.incoming.push(payload);
        return;
      }
      await entry.pc.addIceCandidate(payload).catch(() => this.fail('bad-candidate'));
    } else if (kind === 'candidate' && !this.banned.has(from)) {
      this.keepEarlyCandidate(from, payload);
    } else if (kind === 'bye' && entry) {
      this.closePeer(from, 'bye');
    }
  }

  /**
   * Makes room in a full pool: closes the open connection that has received nothing for the longest, if that is at
   * least `idleEvictMs`. Without this, the first visitors' links to a holder would keep its pool full for good and
   * every later visitor (discovery names the same holders to everybody) would be refused.
   * @returns {boolean} whether a connection was closed
   */
  evictIdle() {
    const now = this.clock.now();
    let idlest = null;
    for (const entry of this.peers.values()) {
      if (entry.ready && now - entry.lastActivity >= this.options.idleEvictMs && (!idlest || entry.lastActivity < idlest.lastActivity)) idlest = entry;
    }
    if (!idlest) return false;
    this.closePeer(idlest.peerId, 'idle-evicted');
    return true;
  }

  closePeer(peerId, reason) {
    const entry = this.peers.get(peerId);
    if (!entry) return;
    this.peers.delete(peerId);
    if (reason !== 'closed') this.fail(`peer-${reason}`);
    entry.link?.close(reason);
    try {
      entry.pc.close();
    } catch {
      // already closed
    }
    this.stats.peersConnected = [...this.peers.values()].filter((p) => p.ready).length;
  }

  /** Everything the owner status page and the browser tests read. */
  snapshot() {
    return { peerId: this.peerId, ...this.stats, upload: this.upload.stats, held: this.store.completeFiles().length, policy: this.policy.decide() };
  }
}

/** The candidate pair a getStats() report says is in use, or null. */
function selectedPair(report) {
  let pair = null;
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
  });
  // without transport stats (Firefox) the pair itself is marked
  if (!pair) report.forEach((s) => { if (s.type === 'candidate-pair' && (s.selected || (s.nominated && s.state === 'succeeded'))) pair = s; });
  return pair;
}

/** The selected ICE candidate pair's round trip in ms (the ICE checks measure it), or null when unknown. */
export async function selectedPairRtt(pc) {
  try {
    const pair = selectedPair(await pc.getStats());
    if (!pair) return null;
    const seconds = pair.currentRoundTripTime ?? (pair.responsesReceived > 0 ? pair.totalRoundTripTime / pair.responsesReceived : undefined);
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Runs the shell: renders the site in a same-origin frame, keeps the top-level URL in step with it, starts the
 * agent and the service worker, and answers the worker's requests. The frame never waits for the agent more than
 * `maxStartMs`: without a worker or a bootstrap answer the site still loads, only without peers.
 */
export async function startShell({ frame = document.getElementById('c2c-site'), maxStartMs = 3000 } = {}) {
  if (window.top !== window) {
    // The server answered the frame's request with the shell again: loading the frame would nest shells without end.
    console.error('c2c: the shell was loaded inside a frame; the site file must be served for Sec-Fetch-Dest: iframe');
    return null;
  }
  const target = location.pathname + location.search + location.hash;
  frame.addEventListener('load', () => {
    try {
      const loc = frame.contentWindow.location;
      if (loc.origin === location.origin) {
        history.replaceState(null, '', loc.pathname + loc.search + loc.hash);
        document.title = frame.contentDocument?.title || document.title;
      }
    } catch {
      // the frame left the origin (an external link): keep the last URL of the site
    }
  });
  let agent = null;
  const started = (async () => {
    const response = await fetch(AGENT_DEFAULTS.bootstrapUrl, { cache: 'no-store' });
    if (!response.ok) throw new Error(`bootstrap answered ${response.status}`);
    const boot = await boundedJson(response, AGENT_DEFAULTS.maxBootstrapBytes);
    agent = new PeerAgent(boot);
    globalThis.__c2c = agent;
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.addEventListener('message', (event) => {
        if (event.data?.type !== 'c2c-fetch' || !event.ports[0]) return;
        const port = event.ports[0];
        agent.serve(String(event.data.path)).then((answer) => port.postMessage(answer, answer.body ? [answer.body] : []));
      });
      await navigator.serviceWorker.register('/c2c/sw.js', { scope: '/' });
      const registration = await navigator.serviceWorker.ready;
      const files = agent.manifest.files;
      await new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = resolve;
        registration.active.postMessage({
          type: 'c2c-paths', paths: files.map((f) => f.path), htmlPaths: files.filter((f) => f.contentType.startsWith('text/html')).map((f) => f.path),
        }, [channel.port2]);
      });
    }
    await agent.start();
  })();
  await Promise.race([started.catch((err) => console.warn('c2c: site served without peers:', err?.message ?? err)),
    new Promise((resolve) => setTimeout(resolve, maxStartMs))]);
  frame.src = target;
  return started.then(() => agent, () => null);
}
