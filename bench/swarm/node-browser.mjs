// What a browser gives the peer agent and Node 20 does not, for running the unmodified agent modules in Node:
// an RTCPeerConnection (werift, pure TypeScript WebRTC: real ICE, DTLS and SCTP), a WebSocket that sends the
// Origin header a browser would, and an in-memory CacheStorage (so the agent keeps its chunks through the same
// CacheStorageBackend code path as in a browser). fetch, Response and crypto.subtle are Node 20's own.

import dgram from 'node:dgram';
import { syncBuiltinESMExports } from 'node:module';
import { RTCPeerConnection as WeriftPeerConnection } from 'werift';
import WebSocket from 'ws';

/**
 * Receive buffer of werift's UDP sockets. One Node process hosts many visitors on one event loop, which can be busy
 * for hundreds of milliseconds; the kernel's default buffer (208 KiB) then overflows and the datagrams are lost
 * (counted in /proc/net/snmp RcvbufErrors), and werift's SCTP waits at least its 1 s minimum RTO to resend them.
 * A browser reads its sockets on a network thread of its own, so the swarm gives each socket 2 MiB (bounded by
 * net.core.rmem_max). `SWARM_UDP_RCVBUF=0` keeps the kernel's default.
 */
export const UDP_RECEIVE_BUFFER = Number(process.env.SWARM_UDP_RCVBUF ?? 2 * 1024 * 1024);
if (UDP_RECEIVE_BUFFER > 0 && !dgram.createSocket.c2cWrapped) {
  const createSocket = dgram.createSocket;
  const wrapped = function createSocketWithBuffer(options, listener) {
    const o = typeof options === 'string' ? { type: options } : { ...options };
    o.recvBufferSize ??= UDP_RECEIVE_BUFFER;
    return createSocket.call(this, o, listener);
  };
  wrapped.c2cWrapped = true;
  dgram.createSocket = wrapped;
  syncBuiltinESMExports(); // werift imports createSocket by name
}

/**
 * SCTP packet size between two werift visitors. werift's default (1191 bytes, what browsers use on the internet)
 * makes every 64 KiB frame some 56 DTLS records, each encrypted, sent, acknowledged and decrypted in JavaScript:
 * `werift-cost.mjs` measured ~190 ms of CPU per MiB (both sides) against ~50 ms with 16,000-byte packets, which
 * loopback carries (MTU 65,536) and a DTLS record holds (≤ 16 KiB). Only between werift stacks: Chromium's DTLS
 * transport drops packets over 2,048 bytes, so towards a Chromium visitor werift keeps its default.
 */
export const WERIFT_PAIR_SCTP_MTU = 16000;
/** Session-level SDP attribute by which a werift visitor recognises another (browsers ignore unknown attributes). */
const WERIFT_MARK = 'a=x-c2c-bench-stack:werift';
/** DATA payload per packet for an MTU, as werift computes it (12-byte common header, 16-byte DATA header, 4-byte padding). */
const maxPayloadSizeForMtu = (mtu) => (mtu - 28) - ((mtu - 28) % 4);

function marked(description) {
  if (!description?.sdp || description.sdp.includes(WERIFT_MARK)) return description;
  const sdp = description.sdp.replace(/(\r?\nt=[^\r\n]*)(\r?\n)/, `$1$2${WERIFT_MARK}$2`);
  return { type: description.type, sdp, toJSON: () => ({ type: description.type, sdp }) };
}

/**
 * werift's RTCPeerConnection with the browser defaults the benchmark needs: loopback host candidates (the run is
 * inside a loopback-only network namespace; werift, like Chromium without --allow-loopback-in-peer-connection,
 * skips internal interfaces) and IPv4 only. Its offers and answers carry WERIFT_MARK; when the other side's do
 * too, both send WERIFT_PAIR_SCTP_MTU-byte SCTP packets (set `SWARM_WERIFT_MTU=1191` to measure without).
 */
export class NodePeerConnection extends WeriftPeerConnection {
  constructor(config = {}) {
    super({ ...config, iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
    this.pairMtu = Number(process.env.SWARM_WERIFT_MTU ?? WERIFT_PAIR_SCTP_MTU);
  }

  async createOffer(options) {
    return marked(await super.createOffer(options));
  }

  async createAnswer() {
    return marked(await super.createAnswer());
  }

  /** werift checks that this is the description it created: without the mark. */
  async setLocalDescription(description) {
    if (!description?.sdp?.includes(WERIFT_MARK)) return super.setLocalDescription(description);
    return super.setLocalDescription({ type: description.type, sdp: description.sdp.replace(/\r?\na=x-c2c-bench-stack:werift/, '') });
  }

  async setRemoteDescription(description) {
    if (description?.sdp?.includes(WERIFT_MARK) && this.pairMtu !== this.config.sctp.mtu) {
      // The answerer's SCTP transport is created from the configuration during this call; the offerer's exists
      // (createDataChannel) but its association starts only after the answer, so its packet size can still change.
      this.config.sctp = { ...this.config.sctp, mtu: this.pairMtu };
      const transport = this.sctpTransport;
      if (transport) {
        transport.sctpOptions = { ...transport.sctpOptions, mtu: this.pairMtu };
        const { sctp } = transport;
        if (sctp && sctp.associationState === 1 /* CLOSED: not started */) {
          sctp.mtu = this.pairMtu;
          sctp.maxPayloadSize = maxPayloadSizeForMtu(this.pairMtu);
          sctp.cwnd = 3 * sctp.maxPayloadSize;
        }
      }
    }
    return super.setRemoteDescription(description);
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
