// What a browser gives the peer agent and Node 20 does not, for running the unmodified agent modules in Node:
// an RTCPeerConnection (werift, pure TypeScript WebRTC: real ICE, DTLS and SCTP), a WebSocket that sends the
// Origin header a browser would, and an in-memory CacheStorage (so the agent keeps its chunks through the same
// CacheStorageBackend code path as in a browser). fetch, Response and crypto.subtle are Node 20's own.

import { RTCPeerConnection as WeriftPeerConnection } from 'werift';
import WebSocket from 'ws';

/**
 * werift's RTCPeerConnection with the browser defaults the benchmark needs: loopback host candidates (the run is
 * inside a loopback-only network namespace; werift, like Chromium without --allow-loopback-in-peer-connection,
 * skips internal interfaces) and IPv4 only.
 */
export class NodePeerConnection extends WeriftPeerConnection {
  constructor(config = {}) {
    super({ ...config, iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
  }
}

/** A WebSocket class whose handshake carries `origin`, as the page's would (signaling checks it). */
export function webSocketFrom(origin) {
  return class BrowserLikeWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { origin, perMessageDeflate: false });
    }
  };
}

/** The part of a Cache the agent's CacheStorageBackend uses, in memory. */
class MemoryCache {
  constructor() {
    /** url → bytes */
    this.entries = new Map();
  }

  async match(url) {
    const bytes = this.entries.get(String(url));
    return bytes ? new Response(bytes.slice()) : undefined;
  }

  async put(url, response) {
    this.entries.set(String(url), new Uint8Array(await response.arrayBuffer()));
  }

  async delete(url) {
    return this.entries.delete(String(url));
  }
}

/** The part of CacheStorage the agent uses, in memory; shared by the agents of one process like a browser's tabs. */
export class MemoryCacheStorage {
  constructor() {
    this.caches = new Map();
  }

  async keys() {
    return [...this.caches.keys()];
  }

  async open(name) {
    if (!this.caches.has(name)) this.caches.set(name, new MemoryCache());
    return this.caches.get(name);
  }

  async delete(name) {
    return this.caches.delete(name);
  }

  /** For the benchmark's liars: flips a byte in every chunk of one cache (bytes on disk gone bad, or a lying peer). */
  corrupt(name) {
    const cache = this.caches.get(name);
    if (!cache) return 0;
    for (const bytes of cache.entries.values()) bytes[bytes.length >> 1] ^= 0xff;
    return cache.entries.size;
  }
}
