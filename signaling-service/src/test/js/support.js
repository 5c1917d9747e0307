// Test support for the browser modules: a fake clock, manifest builders and fake peers/origins.
// The modules under test are pure logic; these fakes stand in for time and the network only.

import { createHash } from 'node:crypto';
import { parseManifest } from '../../main/resources/META-INF/resources/c2c/manifest.js';
import { PeerGoneError, PeerRefusedError } from '../../main/resources/META-INF/resources/c2c/errors.js';

export const C2C = '../../main/resources/META-INF/resources/c2c';

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A real SHA-256 that settles within microtasks, so fake-clock tests need no real waiting. */
export const nodeDigest = async (bytes) => sha256(bytes);

/** Deterministic pseudo-random generator (mulberry32), so fuzz failures can be replayed from the seed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(n, seed = 1) {
  const next = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** Builds manifest JSON the way the sites collector does (contracts' Manifest / ManifestFile). */
export function manifestJson(entries, chunkSize) {
  const files = entries.map(({ path, bytes, contentType = 'application/octet-stream' }) => {
    const chunks = [];
    for (let o = 0; o < bytes.length; o += chunkSize) chunks.push(sha256(bytes.subarray(o, Math.min(bytes.length, o + chunkSize))));
    return { path, size: bytes.length, contentType, sha256: sha256(bytes), chunks };
  });
  return { schemaVersion: 1, manifestId: sha256(Buffer.from(JSON.stringify(files))), siteId: 'demo', chunkSize, createdAt: 0, files };
}

/** One file of `size` bytes cut in `chunkSize` chunks, parsed through the real manifest model. */
export function makeFile(size, chunkSize, seed = 7) {
  const bytes = randomBytes(size, seed);
  const manifest = parseManifest(manifestJson([{ path: '/f.bin', bytes }], chunkSize));
  return { file: manifest.files[0], bytes, manifest };
}

export const settle = async (rounds = 6) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

/** Virtual time: timers run only when the test advances the clock. */
export class FakeClock {
  constructor() {
    this.t = 0;
    this.timers = new Map();
    this.seq = 0;
  }

  now() {
    return this.t;
  }

  setTimeout(fn, ms) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn, id });
    return id;
  }

  clearTimeout(id) {
    this.timers.delete(id);
  }

  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      await settle();
      let next = null;
      for (const timer of this.timers.values()) {
        if (timer.at <= end && (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id))) next = timer;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await settle();
  }

  /** Advances in steps until the promise settles; fails the test if it never does within maxMs. */
  async run(promise, { step = 5, maxMs = 120000 } = {}) {
    let state = 'pending';
    let value;
    promise.then((v) => { state = 'ok'; value = v; }, (e) => { state = 'err'; value = e; });
    while (state === 'pending') {
      if (this.t > maxMs) throw new Error(`still pending after ${maxMs} ms of fake time`);
      await this.advance(step);
    }
    if (state === 'err') throw value;
    return value;
  }
}

/**
 * A fake peer. behaviour: 'honest' | 'slow' (never answers) | 'liar' (flips a byte) | 'disconnect' (gone after
 * `after` answers) | 'refuse' (not-found) | 'short' (one byte short).
 */
export function fakePeer(id, bytes, file, clock, { behaviour = 'honest', delayMs = 10, after = 2 } = {}) {
  const peer = {
    id, behaviour, requests: 0, answered: 0, inFlight: 0, maxInFlight: 0, closedWith: null, gone: false, aborted: 0,
    close(reason) { peer.closedWith = reason; },
    requestChunk(fileHash, index, length, signal) {
      peer.requests++;
      if (fileHash !== file.sha256) return Promise.reject(new Error('wrong file asked'));
      if (peer.gone) return Promise.reject(new PeerGoneError(id, 'closed'));
      peer.inFlight++;
      peer.maxInFlight = Math.max(peer.maxInFlight, peer.inFlight);
      return new Promise((resolve, reject) => {
        const done = () => { peer.inFlight--; };
        if (behaviour === 'slow') {
          signal.addEventListener('abort', () => { done(); peer.aborted++; reject(new DOMException('aborted', 'AbortError')); });
          return;
        }
        const timer = clock.setTimeout(() => {
          done();
          if (peer.gone) return reject(new PeerGoneError(id, 'closed'));
          const start = index * file.chunkSize;
          let chunk = bytes.slice(start, start + length);
          if (behaviour === 'refuse') return reject(new PeerRefusedError(id, 'not-found'));
          if (behaviour === 'liar') chunk[chunk.length >> 1] ^= 0xff;
          if (behaviour === 'short') chunk = chunk.slice(0, chunk.length - 1);
          if (behaviour === 'disconnect' && peer.answered >= after) {
            peer.gone = true;
            return reject(new PeerGoneError(id, 'closed'));
          }
          peer.answered++;
          resolve(chunk);
        }, delayMs);
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer);
          done();
          peer.aborted++;
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    },
  };
  return peer;
}

/** A fake origin proxy: serves ranges of the true bytes (or of `served`, to play a stale origin). */
export function fakeOrigin(bytes, clock, { delayMs = 50, fail = false, served = bytes } = {}) {
  const origin = {
    requests: [], bytesServed: 0,
    fetchRange(file, start, end, signal) {
      origin.requests.push([start, end]);
      return new Promise((resolve, reject) => {
        const timer = clock.setTimeout(() => {
          if (fail) return reject(new Error('origin down'));
          const slice = served.slice(start, end);
          origin.bytesServed += slice.length;
          resolve(slice);
        }, delayMs);
        signal?.addEventListener('abort', () => { clock.clearTimeout(timer); reject(new DOMException('aborted', 'AbortError')); });
      });
    },
  };
  return origin;
}
