// Upload side of the peer agent: whether this visitor serves other visitors at all (site settings,
// Save-Data, a local opt-out, Global Privacy Control), how fast (token bucket under the site's cap),
// and answering REQUEST frames from held, verified chunks.

import { systemClock } from './clock.js';
import { ErrorCode, MAX_OUTSTANDING, encodeChunk, encodeError } from './dc-protocol.js';

/** localStorage key of the visitor's opt-out ("1" = do not upload). */
export const OPT_OUT_KEY = 'c2c.upload.optOut';

/**
 * Token bucket in bytes. Reservations may borrow against the future up to `maxWaitMs`, so a chunk larger
 * than the burst still goes out at the capped rate instead of never.
 */
export class TokenBucket {
  /** @param {{ratePerSecond:number, burst?:number, clock?:import('./clock.js').Clock}} options */
  constructor({ ratePerSecond, burst, clock = systemClock }) {
    this.clock = clock;
    this.setRate(ratePerSecond, burst);
    this.tokens = this.burst;
    this.updatedAt = clock.now();
  }

  setRate(ratePerSecond, burst = ratePerSecond) {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond < 0) throw new RangeError('rate must be >= 0');
    this.refill();
    this.rate = ratePerSecond;
    this.burst = Math.max(0, burst);
    if (this.tokens > this.burst) this.tokens = this.burst;
  }

  refill() {
    const now = this.clock.now();
    if (this.updatedAt !== undefined && this.rate > 0) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.rate) / 1000);
    }
    this.updatedAt = now;
  }

  /**
   * Takes `bytes` tokens if they will be available within maxWaitMs.
   * @returns {number} milliseconds to wait before sending, or -1 when refused (nothing taken)
   */
  reserve(bytes, maxWaitMs) {
    if (this.rate <= 0) return -1;
    this.refill();
    const after = this.tokens - bytes;
    const waitMs = after >= 0 ? 0 : Math.ceil((-after / this.rate) * 1000);
    if (waitMs > maxWaitMs) return -1;
    this.tokens = after;
    return waitMs;
  }

  /** Gives back tokens of a reservation that was not used (cancelled request). */
  refund(bytes) {
    this.refill();
    this.tokens = Math.min(this.burst, this.tokens + bytes);
  }
}

/**
 * @typedef {Object} SiteUploadSettings what the owner configured (SiteSettings in contracts)
 * @property {boolean} [p2pEnabled]
 * @property {number} uploadCapBytesPerSecond
 * @property {'ignore'|'no-upload'|'origin-only'} [globalPrivacyControl] how a visitor's GPC signal is honoured
 *   (assumed setting, default 'no-upload'; see docs/browser.md)
 */

/**
 * @typedef {Object} VisitorEnvironment the visitor's own limits, read again at every decision
 * @property {boolean} saveData navigator.connection.saveData
 * @property {boolean} gpc navigator.globalPrivacyControl
 * @property {boolean} optOut the locally stored opt-out
 * @property {number} [capBytesPerSecond] the visitor's own upload limit, if any
 */

/** Reads the visitor's limits from a browser's navigator and localStorage (guarded: either may be missing). */
export function browserEnvironment(nav = globalThis.navigator, storage = globalThis.localStorage) {
  return () => {
    let optOut = false;
    try {
      optOut = storage?.getItem(OPT_OUT_KEY) === '1';
    } catch {
      optOut = true; // storage blocked: the visitor's choice cannot be read, so do not assume consent to upload
    }
    return {
      saveData: nav?.connection?.saveData === true,
      gpc: nav?.globalPrivacyControl === true,
      optOut,
    };
  };
}

/** Stores or clears the visitor's opt-out. */
export function setOptOut(optOut, storage = globalThis.localStorage) {
  if (optOut) storage.setItem(OPT_OUT_KEY, '1');
  else storage.removeItem(OPT_OUT_KEY);
}

/** Decides, at each request, whether and how fast this visitor uploads. */
export class UploadPolicy {
  /** @param {SiteUploadSettings} site @param {() => VisitorEnvironment} environment */
  constructor(site, environment) {
    this.site = site;
    this.environment = environment;
  }

  /** @returns {{allowed: boolean, reason: string, capBytesPerSecond: number}} */
  decide() {
    const env = this.environment();
    const gpcMode = this.site.globalPrivacyControl ?? 'no-upload';
    const cap = Math.min(this.site.uploadCapBytesPerSecond ?? 0, env.capBytesPerSecond ?? Infinity);
    const no = (reason) => ({ allowed: false, reason, capBytesPerSecond: 0 });
    if (this.site.p2pEnabled === false) return no('site-disabled');
    if (env.optOut) return no('opt-out');
    if (env.saveData) return no('save-data');
    if (env.gpc && gpcMode !== 'ignore') return no('gpc');
    if (!(cap > 0)) return no('no-capacity');
    return { allowed: true, reason: 'ok', capBytesPerSecond: cap };
  }

  /** Whether this visitor fetches from peers at all ('origin-only' GPC handling keeps it off the swarm). */
  downloadsFromPeers() {
    if (this.site.p2pEnabled === false) return false;
    return !(this.environment().gpc && this.site.globalPrivacyControl === 'origin-only');
  }
}

/** Answers other peers' REQUEST frames from the chunk store, within the policy and the bucket. */
export class UploadServer {
  /**
   * @param {Object} options
   * @param {import('./chunk-store.js').ChunkStore} options.store
   * @param {UploadPolicy} options.policy
   * @param {import('./clock.js').Clock} [options.clock]
   * @param {number} [options.maxWaitMs] longest a request may queue for tokens before it is refused as busy
   * @param {number} [options.maxOutstandingPerPeer]
   */
  constructor({ store, policy, clock = systemClock, maxWaitMs = 2000, maxOutstandingPerPeer = MAX_OUTSTANDING }) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.maxWaitMs = maxWaitMs;
    this.maxOutstandingPerPeer = maxOutstandingPerPeer;
    /** @type {TokenBucket|null} created at the first allowed request, full, at the cap then in force */
    this.bucket = null;
    /** peerId → Map<requestId, {cancelled:boolean, timer?:unknown, wake?:Function}> */
    this.pending = new Map();
    this.stats = { chunksServed: 0, bytesServed: 0, refused: {} };
  }

  refuse(send, requestId, code, reason) {
    const name = Object.keys(ErrorCode).find((k) => ErrorCode[k] === code).toLowerCase();
    this.stats.refused[name] = (this.stats.refused[name] ?? 0) + 1;
    return send(encodeError(requestId, code, reason));
  }

  /**
   * @param {string} peerId
   * @param {import('./dc-protocol.js').RequestFrame} request
   * @param {(frame: Uint8Array) => void|Promise<void>} send may return a promise to apply back-pressure
   */
  async handleRequest(peerId, request, send) {
    const { requestId, fileHash, chunkIndex } = request;
    const decision = this.policy.decide();
    if (!decision.allowed) return this.refuse(send, requestId, ErrorCode.PAUSED, decision.reason);
    if (!this.bucket) this.bucket = new TokenBucket({ ratePerSecond: decision.capBytesPerSecond, clock: this.clock });
    else if (decision.capBytesPerSecond !== this.bucket.rate) this.bucket.setRate(decision.capBytesPerSecond);
    let mine = this.pending.get(peerId);
    if (!mine) this.pending.set(peerId, (mine = new Map()));
    if (mine.has(requestId)) return this.refuse(send, requestId, ErrorCode.BAD_REQUEST, 'duplicate request id');
    if (mine.size >= this.maxOutstandingPerPeer) return this.refuse(send, requestId, ErrorCode.TOO_MANY_REQUESTS, `at most ${this.maxOutstandingPerPeer}`);
    const state = { cancelled: false };
    mine.set(requestId, state);
    try {
      const bytes = await this.store.get(fileHash, chunkIndex);
      if (state.cancelled) return undefined;
      if (!bytes) return await this.refuse(send, requestId, ErrorCode.NOT_FOUND, 'chunk not held');
      const waitMs = this.bucket.reserve(bytes.length, this.maxWaitMs);
      if (waitMs < 0) return await this.refuse(send, requestId, ErrorCode.BUSY, 'upload cap reached');
      if (waitMs > 0) {
        await new Promise((resolve) => {
          state.wake = resolve;
          state.timer = this.clock.setTimeout(resolve, waitMs);
        });
      }
      if (state.cancelled) {
        this.bucket.refund(bytes.length);
        return undefined;
      }
      for (const frame of encodeChunk(requestId, chunkIndex, bytes)) {
        if (state.cancelled) return undefined;
        await send(frame);
      }
      this.stats.chunksServed++;
      this.stats.bytesServed += bytes.length;
      return undefined;
    } finally {
      mine.delete(requestId);
      if (mine.size === 0 && this.pending.get(peerId) === mine) this.pending.delete(peerId);
    }
  }

  /** Stops serving a request (CANCEL frame); unknown ids are ignored, since the answer may have crossed it. */
  cancel(peerId, requestId) {
    const state = this.pending.get(peerId)?.get(requestId);
    if (!state) return;
    state.cancelled = true;
    if (state.timer !== undefined) {
      this.clock.clearTimeout(state.timer);
      state.wake?.();
    }
  }

  /** Forgets everything queued for a peer whose channel closed. */
  peerClosed(peerId) {
    for (const requestId of [...(this.pending.get(peerId)?.keys() ?? [])]) this.cancel(peerId, requestId);
  }

  outstanding(peerId) {
    return this.pending.get(peerId)?.size ?? 0;
  }
}
