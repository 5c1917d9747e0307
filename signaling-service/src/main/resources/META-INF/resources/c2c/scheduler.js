// Fetch scheduler: gets one file's chunks from several peers in parallel, verifies each against the
// manifest before it counts, re-requests timed-out or refused chunks elsewhere, and hands what peers
// cannot deliver in time to the origin. Pure logic: clock, peers, origin and digest are injected.
// The deadline policy is documented in docs/browser.md ("Fetch scheduler").

import { systemClock } from './clock.js';
import { FetchError, PeerGoneError, PeerRefusedError } from './errors.js';
import { IntegrityError, chunkLength, sha256Hex, verifyChunk, verifyFile } from './manifest.js';

/**
 * @typedef {Object} PeerTransport what the scheduler needs from a peer (PeerLink implements it)
 * @property {string} id
 * @property {(fileHash: string, index: number, length: number, signal: AbortSignal) => Promise<Uint8Array>} requestChunk
 *   resolves with the chunk's bytes (unverified), rejects with PeerGoneError / PeerRefusedError
 * @property {(reason: string) => void} [close] called when the scheduler drops the peer
 */

/**
 * @typedef {Object} OriginSource the platform's origin proxy
 * @property {(file: import('./manifest.js').ManifestFile, start: number, end: number, signal: AbortSignal) => Promise<Uint8Array>} fetchRange
 *   bytes [start, end) of the file
 */

/** Defaults of the deadline policy; every value can be overridden per fetch. */
export const DEFAULT_FETCH_POLICY = Object.freeze({
  /** a chunk not delivered by a peer within this is re-requested elsewhere */
  chunkTimeoutMs: 1500,
  /** no chunk verified from peers within this after the start → origin for everything missing */
  firstChunkDeadlineMs: 500,
  /** no chunk verified from peers for this long later on → origin for everything missing */
  stallMs: 1500,
  /** hard limit for the peer phase: after it, the origin gets everything still missing */
  deadlineMs: 10000,
  /** chunks requested from one peer at once (the protocol allows 16) */
  maxPerPeer: 4,
  /** a peer that times out this many times in one fetch is dropped as slow */
  maxTimeoutsPerPeer: 2,
  /** origin range requests in flight at once */
  originConcurrency: 2,
});

/**
 * Fetches and verifies one file.
 * @param {Object} options
 * @param {import('./manifest.js').ManifestFile} options.file
 * @param {PeerTransport[]} options.peers peers believed to hold the file (may be empty)
 * @param {OriginSource} options.origin
 * @param {import('./clock.js').Clock} [options.clock]
 * @param {(bytes: Uint8Array) => Promise<string>} [options.digest] SHA-256 hex (Web Crypto by default)
 * @param {Partial<typeof DEFAULT_FETCH_POLICY>} [options.policy]
 * @param {{onChunk?:Function, onPeerBad?:Function, onPeerDropped?:Function, onFallback?:Function}} [options.events]
 * @returns {Promise<{bytes: Uint8Array, stats: FetchStats}>}
 */
export function fetchFile(options) {
  return new FileFetch(options).run();
}

/**
 * @typedef {Object} FetchStats
 * @property {number} bytesFromPeers
 * @property {number} bytesFromOrigin
 * @property {number} chunksFromPeers
 * @property {number} chunksFromOrigin
 * @property {number} badChunks
 * @property {number} timeouts
 * @property {{peerId: string, reason: string}[]} droppedPeers
 * @property {Object<string, number>} bytesByPeer
 * @property {string|null} fallbackReason
 * @property {number} durationMs
 */

class FileFetch {
  constructor({ file, peers = [], origin, clock = systemClock, digest = sha256Hex, policy = {}, events = {} }) {
    this.file = file;
    this.origin = origin;
    this.clock = clock;
    this.digest = digest;
    this.policy = { ...DEFAULT_FETCH_POLICY, ...policy };
    this.events = events;
    this.n = file.chunks.length;
    this.chunks = new Array(this.n);
    this.remaining = this.n;
    this.peers = peers.map((transport, order) => ({ transport, id: transport.id, order, inFlight: 0, timeouts: 0, gone: false, useless: false }));
    /** @type {Map<number, Set<object>>} chunk → its peer requests in flight */
    this.inFlight = new Map();
    this.verifying = new Set();
    this.originRequested = new Set();
    this.originQueue = [];
    this.originActive = 0;
    this.originAbort = new AbortController();
    this.tried = Array.from({ length: this.n }, () => new Set());
    this.fallback = false;
    this.finished = false;
    this.cursor = 0;
    this.startedAt = clock.now();
    /** @type {FetchStats} */
    this.stats = {
      bytesFromPeers: 0, bytesFromOrigin: 0, chunksFromPeers: 0, chunksFromOrigin: 0, badChunks: 0, timeouts: 0,
      droppedPeers: [], bytesByPeer: {}, fallbackReason: null, durationMs: 0,
    };
  }

  run() {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      if (this.n === 0) {
        this.complete();
        return;
      }
      this.deadlineTimer = this.clock.setTimeout(() => this.fallBack('deadline'), this.policy.deadlineMs);
      this.armStall(this.policy.firstChunkDeadlineMs, 'first-chunk-deadline');
      this.pump();
    });
  }

  armStall(ms, reason) {
    if (this.stallTimer !== undefined) this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = this.clock.setTimeout(() => this.fallBack(reason), ms);
  }

  busy(index) {
    return this.chunks[index] !== undefined || this.verifying.has(index) || this.originRequested.has(index)
      || (this.inFlight.get(index)?.size ?? 0) > 0;
  }

  /** Hands out work: missing chunks to the least loaded peer that has not failed them, the rest to the origin. */
  pump() {
    if (this.finished) return;
    if (!this.fallback) {
      const live = this.peers.filter((p) => !p.gone && !p.useless);
      if (live.length === 0) {
        this.fallBack('no-peers');
        return;
      }
      const toOrigin = [];
      for (let i = 0; i < this.n; i++) {
        if (this.busy(i)) continue;
        const untried = live.filter((p) => !this.tried[i].has(p.id));
        if (untried.length === 0) {
          toOrigin.push(i); // every live peer failed this chunk once: don't wait for the deadline
          continue;
        }
        const candidates = untried.filter((p) => p.inFlight < this.policy.maxPerPeer);
        if (candidates.length === 0) continue;
        this.cursor++;
        candidates.sort((a, b) => a.inFlight - b.inFlight || a.timeouts - b.timeouts
          || ((a.order + this.cursor) % this.peers.length) - ((b.order + this.cursor) % this.peers.length));
        this.requestFromPeer(candidates[0], i);
      }
      if (toOrigin.length) this.requestFromOrigin(toOrigin);
    } else {
      const missing = [];
      for (let i = 0; i < this.n; i++) {
        if (this.chunks[i] === undefined && !this.originRequested.has(i)) missing.push(i);
      }
      this.requestFromOrigin(missing);
    }
  }

  requestFromPeer(peer, index) {
    const entry = { peer, index, controller: new AbortController(), settled: false, timer: undefined };
    peer.inFlight++;
    if (!this.inFlight.has(index)) this.inFlight.set(index, new Set());
    this.inFlight.get(index).add(entry);
    entry.timer = this.clock.setTimeout(() => this.onTimeout(entry), this.policy.chunkTimeoutMs);
    Promise.resolve()
      .then(() => peer.transport.requestChunk(this.file.sha256, index, chunkLength(this.file, index), entry.controller.signal))
      .then((bytes) => this.onPeerBytes(entry, bytes), (err) => this.onPeerError(entry, err));
  }

  /** Marks a peer request finished; false when it already was (timeout and answer can race). */
  settle(entry, abort) {
    if (entry.settled) return false;
    entry.settled = true;
    this.clock.clearTimeout(entry.timer);
    entry.peer.inFlight--;
    this.inFlight.get(entry.index)?.delete(entry);
    if (abort) entry.controller.abort();
    return true;
  }

  onTimeout(entry) {
    if (this.finished || !this.settle(entry, true)) return;
    const { peer, index } = entry;
    this.stats.timeouts++;
    peer.timeouts++;
    this.tried[index].add(peer.id);
    if (peer.timeouts >= this.policy.maxTimeoutsPerPeer) this.drop(peer, 'slow');
    this.pump();
  }

  async onPeerBytes(entry, bytes) {
    // A late answer after a timeout is ignored, even if it would verify: the chunk is already asked elsewhere.
    if (this.finished || !this.settle(entry, false)) return;
    const { peer, index } = entry;
    if (this.chunks[index] !== undefined) return;
    this.verifying.add(index);
    try {
      await verifyChunk(this.file, index, bytes, this.digest);
    } catch (err) {
      this.verifying.delete(index);
      if (this.finished) return;
      if (!(err instanceof IntegrityError)) {
        this.fail(new FetchError('verify-failed', `cannot verify chunk ${index} of ${this.file.path}: ${err?.message ?? err}`, err));
        return;
      }
      this.stats.badChunks++;
      this.tried[index].add(peer.id);
      this.events.onPeerBad?.(peer.id, { fileHash: this.file.sha256, path: this.file.path, index, reason: err.code });
      this.drop(peer, 'bad-chunk');
      this.pump();
      return;
    }
    this.verifying.delete(index);
    if (this.finished || this.chunks[index] !== undefined) return;
    this.stats.bytesByPeer[peer.id] = (this.stats.bytesByPeer[peer.id] ?? 0) + bytes.length;
    if (!this.fallback) this.armStall(this.policy.stallMs, 'stall');
    this.accept(index, bytes, 'peer', peer.id);
  }

  onPeerError(entry, err) {
    if (this.finished || !this.settle(entry, false)) return;
    const { peer, index } = entry;
    if (err instanceof PeerGoneError) {
      this.drop(peer, 'gone');
    } else if (err instanceof PeerRefusedError && (err.code === 'not-found' || err.code === 'paused')) {
      peer.useless = true; // it will not serve this file: don't ask it again in this fetch
      this.tried[index].add(peer.id);
    } else {
      this.tried[index].add(peer.id); // busy, too many requests, anything else: this chunk goes elsewhere
    }
    this.pump();
  }

  drop(peer, reason) {
    if (peer.gone) return;
    peer.gone = true;
    for (const entries of this.inFlight.values()) {
      for (const entry of [...entries]) if (entry.peer === peer) this.settle(entry, true);
    }
    this.stats.droppedPeers.push({ peerId: peer.id, reason });
    try {
      peer.transport.close?.(reason);
    } finally {
      this.events.onPeerDropped?.(peer.id, reason);
    }
  }

  fallBack(reason) {
    if (this.finished || this.fallback) return;
    this.fallback = true;
    this.stats.fallbackReason = reason;
    this.clock.clearTimeout(this.stallTimer);
    this.events.onFallback?.(reason);
    // Peer requests already in flight keep racing the origin: whichever verified copy comes first wins.
    this.pump();
  }

  requestFromOrigin(indices) {
    const wanted = indices.filter((i) => this.chunks[i] === undefined && !this.originRequested.has(i)).sort((a, b) => a - b);
    if (wanted.length === 0) return;
    for (const i of wanted) this.originRequested.add(i);
    let run = [wanted[0], wanted[0]];
    for (const i of wanted.slice(1)) {
      if (i === run[1] + 1) {
        run[1] = i;
      } else {
        this.originQueue.push(run);
        run = [i, i];
      }
    }
    this.originQueue.push(run);
    this.drainOrigin();
  }

  drainOrigin() {
    while (!this.finished && this.originActive < this.policy.originConcurrency && this.originQueue.length) {
      const [first, last] = this.originQueue.shift();
      this.originActive++;
      this.fetchOriginRun(first, last).finally(() => {
        this.originActive--;
        this.drainOrigin();
      });
    }
  }

  async fetchOriginRun(first, last) {
    const { chunkSize, size } = this.file;
    const start = first * chunkSize;
    const end = Math.min(size, (last + 1) * chunkSize);
    let bytes;
    try {
      if (!this.origin) throw new Error('no origin configured');
      bytes = await this.origin.fetchRange(this.file, start, end, this.originAbort.signal);
    } catch (err) {
      this.fail(new FetchError('origin-failed', `${this.file.path} [${start}, ${end}) from the origin: ${err?.message ?? err}`, err));
      return;
    }
    if (this.finished) return;
    if (!(bytes instanceof Uint8Array) || bytes.length !== end - start) {
      this.fail(new FetchError('origin-mismatch', `origin sent ${bytes?.length} bytes for [${start}, ${end}) of ${this.file.path}`));
      return;
    }
    for (let i = first; i <= last; i++) {
      if (this.finished) return;
      if (this.chunks[i] !== undefined) continue;
      const piece = bytes.subarray((i - first) * chunkSize, Math.min(bytes.length, (i - first + 1) * chunkSize));
      try {
        await verifyChunk(this.file, i, piece, this.digest);
      } catch (err) {
        if (!(err instanceof IntegrityError)) {
          this.fail(new FetchError('verify-failed', `cannot verify ${this.file.path}: ${err?.message ?? err}`, err));
          return;
        }
        // The origin no longer has what the manifest describes: nothing trustworthy to deliver.
        this.fail(new FetchError('origin-mismatch', `origin bytes of ${this.file.path} do not match the manifest (stale manifest?)`, err));
        return;
      }
      if (!this.finished && this.chunks[i] === undefined) this.accept(i, piece, 'origin', null);
    }
  }

  accept(index, bytes, source, peerId) {
    this.chunks[index] = bytes;
    this.remaining--;
    if (source === 'peer') {
      this.stats.bytesFromPeers += bytes.length;
      this.stats.chunksFromPeers++;
    } else {
      this.stats.bytesFromOrigin += bytes.length;
      this.stats.chunksFromOrigin++;
    }
    for (const entry of [...(this.inFlight.get(index) ?? [])]) this.settle(entry, true); // a copy is no longer needed
    this.events.onChunk?.(index, source, peerId);
    if (this.remaining === 0) {
      this.complete();
    } else {
      this.pump();
    }
  }

  stopEverything() {
    this.finished = true;
    this.clock.clearTimeout(this.deadlineTimer);
    this.clock.clearTimeout(this.stallTimer);
    for (const entries of this.inFlight.values()) for (const entry of [...entries]) this.settle(entry, true);
    this.originAbort.abort();
    this.stats.durationMs = this.clock.now() - this.startedAt;
  }

  async complete() {
    this.stopEverything();
    const bytes = new Uint8Array(this.file.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    try {
      await verifyFile(this.file, bytes, this.digest);
    } catch (err) {
      this.reject(err); // chunk hashes matched but the file hash does not: the manifest contradicts itself
      return;
    }
    this.resolve({ bytes, stats: this.stats });
  }

  fail(err) {
    if (this.finished) return;
    this.stopEverything();
    this.reject(err);
  }
}
