// One c2c-dc.v1 conversation with one peer over one data channel, both directions: our requests to it
// (a PeerTransport for the scheduler) and its requests to us (handed to the UploadServer).
// Any protocol violation closes the link; the caller reports the peer.

import {
  DcProtocolError, MAX_OUTSTANDING, decodeFrame, encodeCancel, encodeError, encodeHave, encodeRequest, ErrorCode,
} from './dc-protocol.js';
import { PeerGoneError, PeerRefusedError } from './errors.js';

/** Most file hashes remembered per peer from its HAVE frames (the same bound as signaling's `have`). */
export const MAX_PEER_ASSETS = 4096;
/** Recently cancelled request ids whose late pieces are ignored instead of being a violation. */
const CANCELLED_MEMORY = 64;
const MAX_REQUEST_ID = 0xffffffff;

/**
 * @typedef {Object} Channel the part of an RTCDataChannel the link uses
 * @property {(bytes: Uint8Array) => void} send
 * @property {() => void} close
 * @property {() => Promise<void>} [waitForDrain] resolves when the send buffer is low again
 * @property {() => boolean} [congested] whether to wait for drain before sending more
 */

export class PeerLink {
  /**
   * @param {Object} options
   * @param {string} options.peerId
   * @param {Channel} options.channel
   * @param {import('./upload.js').UploadServer} [options.uploadServer] absent: every request is answered `paused`
   * @param {number} [options.maxOutstanding]
   * @param {(peerId: string, hashes: string[]) => void} [options.onHave]
   * @param {(peerId: string, code: string) => void} [options.onViolation]
   * @param {(peerId: string, reason: string) => void} [options.onClose]
   */
  constructor({ peerId, channel, uploadServer, maxOutstanding = MAX_OUTSTANDING, onHave, onViolation, onClose }) {
    this.id = peerId;
    this.channel = channel;
    this.uploadServer = uploadServer;
    this.maxOutstanding = Math.min(maxOutstanding, MAX_OUTSTANDING);
    this.onHave = onHave;
    this.onViolation = onViolation;
    this.onClose = onClose;
    this.pending = new Map();
    this.cancelled = [];
    this.nextId = 1;
    this.assets = new Set();
    this.isClosed = false;
    this.closeReason = null;
    this.stats = { framesIn: 0, framesOut: 0, bytesIn: 0 };
  }

  send(frame) {
    if (this.isClosed) return undefined;
    try {
      this.channel.send(frame);
      this.stats.framesOut++;
    } catch (err) {
      this.close('send-failed');
      return undefined;
    }
    if (this.channel.congested?.() && this.channel.waitForDrain) return this.channel.waitForDrain();
    return undefined;
  }

  allocateId() {
    for (;;) {
      const id = this.nextId;
      this.nextId = id === MAX_REQUEST_ID ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
  }

  /** @type {import('./scheduler.js').PeerTransport['requestChunk']} */
  requestChunk(fileHash, chunkIndex, length, signal) {
    if (this.isClosed) return Promise.reject(new PeerGoneError(this.id, this.closeReason));
    if (this.pending.size >= this.maxOutstanding) {
      return Promise.reject(new PeerRefusedError(this.id, 'too-many-requests', 'local outstanding limit'));
    }
    if (signal?.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
    const requestId = this.allocateId();
    return new Promise((resolve, reject) => {
      const request = { fileHash, chunkIndex, length, buffer: new Uint8Array(length), received: 0, resolve, reject, signal, onAbort: null };
      request.onAbort = () => {
        if (this.pending.get(requestId) !== request) return;
        this.forget(requestId, request);
        this.cancelled.push(requestId);
        if (this.cancelled.length > CANCELLED_MEMORY) this.cancelled.shift();
        this.send(encodeCancel(requestId));
        reject(new DOMException('aborted', 'AbortError'));
      };
      signal?.addEventListener('abort', request.onAbort, { once: true });
      this.pending.set(requestId, request);
      this.send(encodeRequest(requestId, fileHash, chunkIndex));
    });
  }

  forget(requestId, request) {
    this.pending.delete(requestId);
    request.signal?.removeEventListener('abort', request.onAbort);
  }

  /** Announces whole files held (split into frames of at most MAX_HAVE_HASHES). */
  sendHave(hashes) {
    for (let i = 0; i < hashes.length; i += 1024) this.send(encodeHave(hashes.slice(i, i + 1024)));
  }

  /** Whether this peer announced the file. */
  has(fileHash) {
    return this.assets.has(fileHash);
  }

  /** Feeds one message received on the channel. */
  receive(data) {
    if (this.isClosed) return;
    let frame;
    try {
      frame = decodeFrame(data);
    } catch (err) {
      if (err instanceof DcProtocolError) {
        if (err.code === 'unsupported-version') this.send(encodeError(0, ErrorCode.UNSUPPORTED_VERSION, 'c2c-dc.v1'));
        this.violation(err.code);
        return;
      }
      throw err;
    }
    this.stats.framesIn++;
    switch (frame.type) {
      case 'request':
        if (!this.uploadServer) {
          this.send(encodeError(frame.requestId, ErrorCode.PAUSED, 'not uploading'));
        } else {
          this.uploadServer.handleRequest(this.id, frame, (f) => this.send(f)).catch(() => this.close('upload-failed'));
        }
        break;
      case 'cancel':
        this.uploadServer?.cancel(this.id, frame.requestId);
        break;
      case 'have':
        for (const hash of frame.hashes) {
          if (this.assets.size >= MAX_PEER_ASSETS && !this.assets.has(hash)) {
            this.violation('too-many-assets');
            return;
          }
          this.assets.add(hash);
        }
        this.onHave?.(this.id, frame.hashes);
        break;
      case 'chunk':
        this.onChunkPiece(frame);
        break;
      case 'error':
        this.onError(frame);
        break;
      default:
        break;
    }
  }

  onChunkPiece(frame) {
    const request = this.pending.get(frame.requestId);
    if (!request) {
      if (!this.cancelled.includes(frame.requestId)) this.violation('unexpected-chunk');
      return;
    }
    // Pieces arrive in order on a reliable ordered channel; anything else is a broken or hostile peer.
    if (frame.chunkIndex !== request.chunkIndex || frame.chunkLength !== request.length || frame.offset !== request.received) {
      this.violation('chunk-mismatch');
      return;
    }
    request.buffer.set(frame.data, request.received);
    request.received += frame.data.length;
    this.stats.bytesIn += frame.data.length;
    if (request.received === request.length) {
      this.forget(frame.requestId, request);
      request.resolve(request.buffer);
    }
  }

  onError(frame) {
    if (frame.requestId === 0) {
      this.close(`peer-error-${frame.codeName}`);
      return;
    }
    const request = this.pending.get(frame.requestId);
    if (!request) return; // answer to a cancelled request, or a duplicate: harmless
    this.forget(frame.requestId, request);
    request.reject(new PeerRefusedError(this.id, frame.codeName, frame.reason));
  }

  violation(code) {
    this.onViolation?.(this.id, code);
    this.close(`protocol-${code}`);
  }

  /** The channel closed under us (call from the channel's close/error event). */
  closed(reason = 'channel-closed') {
    this.close(reason, false);
  }

  close(reason = 'closed', closeChannel = true) {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeReason = reason;
    for (const [requestId, request] of [...this.pending]) {
      this.forget(requestId, request);
      request.reject(new PeerGoneError(this.id, reason));
    }
    this.uploadServer?.peerClosed(this.id);
    if (closeChannel) {
      try {
        this.channel.close();
      } catch {
        // already closed: nothing to release
      }
    }
    this.onClose?.(this.id, reason);
  }
}

/**
 * Adapts a browser RTCDataChannel (binaryType arraybuffer) to a PeerLink. Browser-only glue.
 * @param {RTCDataChannel} dc
 * @param {(channel: Channel) => PeerLink} makeLink
 */
export function attachDataChannel(dc, makeLink, highWaterBytes = 1024 * 1024) {
  dc.binaryType = 'arraybuffer';
  dc.bufferedAmountLowThreshold = highWaterBytes / 4;
  const link = makeLink({
    send: (bytes) => dc.send(bytes),
    close: () => dc.close(),
    congested: () => dc.bufferedAmount > highWaterBytes,
    waitForDrain: () => new Promise((resolve) => {
      dc.addEventListener('bufferedamountlow', resolve, { once: true });
      dc.addEventListener('close', resolve, { once: true }); // never wait on a dead channel
    }),
  });
  dc.addEventListener('message', (event) => link.receive(event.data));
  dc.addEventListener('close', () => link.closed('channel-closed'));
  dc.addEventListener('error', () => link.closed('channel-error'));
  return link;
}
