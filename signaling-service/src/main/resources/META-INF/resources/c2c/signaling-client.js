// Thin client of the signaling WebSocket, protocol c2c.v1 (docs/signaling-protocol.md): hello/welcome,
// signal relay, have/drop, find/found, ping. Request/answer pairs are matched by `id`/`re`, each bounded
// by a timeout. The WebSocket constructor is injected so the correlation logic runs in Node tests.

import { systemClock } from './clock.js';

export const SIGNALING_PROTOCOL = 'c2c.v1';
export const SIGNALING_PATH = '/_c2c/signal';

/** An error answer from the signaling server, or no answer in time (`code` 'timeout' / 'closed'). */
export class SignalingError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = 'SignalingError';
    this.code = code;
  }
}

export class SignalingClient {
  /**
   * @param {Object} options
   * @param {string} options.url ws(s)://host/_c2c/signal
   * @param {string} options.site site id
   * @param {typeof WebSocket} [options.WebSocketImpl]
   * @param {import('./clock.js').Clock} [options.clock]
   * @param {number} [options.requestTimeoutMs]
   * @param {(message: object) => void} [options.onMessage] every server message that is not an answer to a request
   * @param {(code: number, reason: string) => void} [options.onClose]
   */
  constructor({ url, site, WebSocketImpl = globalThis.WebSocket, clock = systemClock, requestTimeoutMs = 5000, onMessage, onClose }) {
    this.url = url;
    this.site = site;
    this.WebSocketImpl = WebSocketImpl;
    this.clock = clock;
    this.requestTimeoutMs = requestTimeoutMs;
    this.onMessage = onMessage;
    this.onClose = onClose;
    this.pending = new Map();
    this.nextId = 1;
    this.welcome = null;
    this.ws = null;
    this.heartbeat = undefined;
  }

  /**
   * Opens the socket and says hello (resuming when a previous id and token are given).
   * @param {{peerId: string, resumeToken: string}|null} [resume]
   * @param {{uploadCapacity?: number}} [capabilities] sent in hello; discovery never names a peer with no upload capacity
   */
  connect(resume, capabilities) {
    this.ws = new this.WebSocketImpl(this.url, SIGNALING_PROTOCOL);
    this.ws.onmessage = (event) => this.receive(event.data);
    this.ws.onclose = (event) => this.closed(event.code, event.reason);
    return new Promise((resolve, reject) => {
      this.ws.onerror = () => reject(new SignalingError('closed', 'signaling socket failed'));
      this.ws.onopen = () => {
        const hello = { type: 'hello', site: this.site };
        if (resume?.peerId && resume?.resumeToken) Object.assign(hello, { peerId: resume.peerId, resumeToken: resume.resumeToken });
        if (capabilities) hello.capabilities = capabilities;
        this.request(hello).then((welcome) => {
          this.welcome = welcome;
          this.startHeartbeat(welcome.heartbeatIntervalMs);
          resolve(welcome);
        }, reject);
      };
    });
  }

  startHeartbeat(intervalMs) {
    if (!(intervalMs > 0)) return;
    const beat = () => {
      this.send({ type: 'ping', ts: Math.round(this.clock.now()) });
      this.heartbeat = this.clock.setTimeout(beat, intervalMs);
    };
    this.heartbeat = this.clock.setTimeout(beat, intervalMs);
  }

  send(message) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Sends a message with an id and resolves with the answer carrying it back as `re`. */
  request(message) {
    const id = `r${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError('timeout', `no answer to ${message.type} within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.send({ ...message, id })) {
        this.clock.clearTimeout(timer);
        this.pending.delete(id);
        reject(new SignalingError('closed', 'signaling socket not open'));
      }
    });
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return; // the server only sends JSON; ignore anything else rather than crash the agent
    }
    if (message === null || typeof message !== 'object' || typeof message.type !== 'string') return;
    const waiting = typeof message.re === 'string' ? this.pending.get(message.re) : undefined;
    if (waiting) {
      this.pending.delete(message.re);
      this.clock.clearTimeout(waiting.timer);
      if (message.type === 'error') waiting.reject(new SignalingError(message.code ?? 'error', message.message ?? ''));
      else waiting.resolve(message);
      return;
    }
    this.onMessage?.(message);
  }

  closed(code, reason) {
    this.clock.clearTimeout(this.heartbeat);
    for (const [id, waiting] of this.pending) {
      this.clock.clearTimeout(waiting.timer);
      waiting.reject(new SignalingError('closed', `socket closed (${code})`));
      this.pending.delete(id);
    }
    this.onClose?.(code, reason);
  }

  /** Relays an offer/answer/candidate/bye to another peer of the site. */
  signal(to, kind, payload) {
    return this.send(payload === undefined ? { type: 'signal', to, kind } : { type: 'signal', to, kind, payload });
  }

  /** Near peers holding an asset; [] when discovery cannot say. */
  async find(asset, limit = 8) {
    try {
      const found = await this.request({ type: 'find', asset, limit });
      return Array.isArray(found.peers) ? found.peers.map((p) => p?.peerId).filter((id) => typeof id === 'string') : [];
    } catch (err) {
      if (err instanceof SignalingError) return [];
      throw err;
    }
  }

  /** Announces whole files held (in batches of the protocol's 512). */
  have(assets) {
    for (let i = 0; i < assets.length; i += 512) this.send({ type: 'have', assets: assets.slice(i, i + 512) });
  }

  /**
   * Reports a peer dropped for misbehaving (no answer on success; signaling bounds and validates it).
   * @param {string} peerId
   * @param {'chunk-hash'|'chunk-length'|'protocol-violation'} reason
   */
  report(peerId, reason) {
    return this.send({ type: 'report', peerId, reason });
  }

  drop(assets) {
    for (let i = 0; i < assets.length; i += 512) this.send({ type: 'drop', assets: assets.slice(i, i + 512) });
  }

  close() {
    this.clock.clearTimeout(this.heartbeat);
    this.ws?.close(1000, 'bye');
  }
}
