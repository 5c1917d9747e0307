// Data-channel protocol c2c-dc.v1: the binary frames two visitors' browsers exchange to ask for and
// send verified chunks of a site's files. Layout and rules are documented in docs/browser.md.
// Decoding never throws anything but DcProtocolError, whatever bytes arrive.

/** Protocol version carried in the first byte of every frame. */
export const DC_VERSION = 1;
/** RTCDataChannel label and protocol string, so both sides can refuse a channel of another version. */
export const DC_PROTOCOL = 'c2c-dc.v1';
/** Largest frame, header included: 64 KiB is what every browser pair delivers over SCTP. */
export const MAX_FRAME_BYTES = 65536;
/** Largest chunk a CHUNK frame sequence may describe (the manifest's chunk size must not exceed it). */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;
/** Most requests one side may have outstanding at the other. */
export const MAX_OUTSTANDING = 16;
/** Most file hashes in one HAVE frame (32 KiB of hashes). */
export const MAX_HAVE_HASHES = 1024;
/** Longest UTF-8 reason in an ERROR frame. */
export const MAX_REASON_BYTES = 200;

export const HEADER_BYTES = 6;
const HASH_BYTES = 32;
const REQUEST_BYTES = HEADER_BYTES + HASH_BYTES + 4;
const CHUNK_HEADER_BYTES = HEADER_BYTES + 12;
/** Data bytes carried by one CHUNK frame at most. */
export const MAX_PIECE_BYTES = MAX_FRAME_BYTES - CHUNK_HEADER_BYTES;
const MAX_REQUEST_ID = 0xffffffff;

/** Frame types (second byte). */
export const FrameType = Object.freeze({ REQUEST: 1, CHUNK: 2, ERROR: 3, HAVE: 4, CANCEL: 5 });
const TYPE_NAMES = new Map([[1, 'request'], [2, 'chunk'], [3, 'error'], [4, 'have'], [5, 'cancel']]);

/** Error codes carried by ERROR frames. Unknown codes from a newer peer decode as 'unknown'. */
export const ErrorCode = Object.freeze({
  NOT_FOUND: 1, // the peer does not hold that chunk
  BUSY: 2, // upload cap reached: ask elsewhere
  PAUSED: 3, // the visitor does not upload (saveData, opt-out, GPC)
  BAD_REQUEST: 4, // malformed or duplicate request id
  TOO_MANY_REQUESTS: 5, // more than MAX_OUTSTANDING outstanding
  UNSUPPORTED_VERSION: 6,
  INTERNAL: 7,
});
const ERROR_NAMES = new Map(Object.entries(ErrorCode).map(([k, v]) => [v, k.toLowerCase().replace(/_/g, '-')]));

/** The one error decoding and encoding raise; `code` is stable and meant for programs. */
export class DcProtocolError extends Error {
  /**
   * @param {'not-binary'|'truncated'|'too-large'|'unsupported-version'|'unknown-type'|'invalid-field'|'trailing-bytes'} code
   * @param {string} message
   */
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = 'DcProtocolError';
    this.code = code;
  }
}

/**
 * @typedef {{type:'request', requestId:number, fileHash:string, chunkIndex:number}} RequestFrame
 * @typedef {{type:'chunk', requestId:number, chunkIndex:number, chunkLength:number, offset:number, data:Uint8Array}} ChunkFrame
 * @typedef {{type:'error', requestId:number, code:number, codeName:string, reason:string}} ErrorFrame
 * @typedef {{type:'have', requestId:0, hashes:string[]}} HaveFrame
 * @typedef {{type:'cancel', requestId:number}} CancelFrame
 * @typedef {RequestFrame|ChunkFrame|ErrorFrame|HaveFrame|CancelFrame} Frame
 */

const HEX = /^[0-9a-f]{64}$/;

function checkRequestId(id, allowZero = false) {
  if (!Number.isInteger(id) || id < (allowZero ? 0 : 1) || id > MAX_REQUEST_ID) {
    throw new DcProtocolError('invalid-field', `requestId must be an integer 1..${MAX_REQUEST_ID}`);
  }
}

function checkU32(name, value, max = MAX_REQUEST_ID) {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new DcProtocolError('invalid-field', `${name} must be an integer 0..${max}`);
  }
}

function writeHash(bytes, offset, hex) {
  if (typeof hex !== 'string' || !HEX.test(hex)) {
    throw new DcProtocolError('invalid-field', 'hash must be 64 lowercase hex digits');
  }
  for (let i = 0; i < HASH_BYTES; i++) {
    bytes[offset + i] = parseInt(hex.substr(i * 2, 2), 16);
  }
}

function readHash(bytes, offset) {
  let out = '';
  for (let i = 0; i < HASH_BYTES; i++) {
    out += bytes[offset + i].toString(16).padStart(2, '0');
  }
  return out;
}

function header(size, type, requestId) {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = DC_VERSION;
  bytes[1] = type;
  view.setUint32(2, requestId);
  return { bytes, view };
}

/** @returns {Uint8Array} a REQUEST frame for one chunk of the file with that SHA-256 */
export function encodeRequest(requestId, fileHash, chunkIndex) {
  checkRequestId(requestId);
  checkU32('chunkIndex', chunkIndex);
  const { bytes, view } = header(REQUEST_BYTES, FrameType.REQUEST, requestId);
  writeHash(bytes, HEADER_BYTES, fileHash);
  view.setUint32(HEADER_BYTES + HASH_BYTES, chunkIndex);
  return bytes;
}

/** @returns {Uint8Array} one CHUNK frame carrying data at offset of a chunk of chunkLength bytes */
export function encodeChunkPiece(requestId, chunkIndex, chunkLength, offset, data) {
  checkRequestId(requestId);
  checkU32('chunkIndex', chunkIndex);
  checkU32('chunkLength', chunkLength, MAX_CHUNK_BYTES);
  checkU32('offset', offset);
  if (!(data instanceof Uint8Array) || data.length === 0 || data.length > MAX_PIECE_BYTES) {
    throw new DcProtocolError('invalid-field', `piece data must be 1..${MAX_PIECE_BYTES} bytes`);
  }
  if (offset + data.length > chunkLength) {
    throw new DcProtocolError('invalid-field', 'piece runs past the end of the chunk');
  }
  const { bytes, view } = header(CHUNK_HEADER_BYTES + data.length, FrameType.CHUNK, requestId);
  view.setUint32(6, chunkIndex);
  view.setUint32(10, chunkLength);
  view.setUint32(14, offset);
  bytes.set(data, CHUNK_HEADER_BYTES);
  return bytes;
}

/** Splits a whole chunk into the CHUNK frames that carry it, in order. */
export function encodeChunk(requestId, chunkIndex, chunk) {
  if (!(chunk instanceof Uint8Array) || chunk.length === 0 || chunk.length > MAX_CHUNK_BYTES) {
    throw new DcProtocolError('invalid-field', `chunk must be 1..${MAX_CHUNK_BYTES} bytes`);
  }
  const frames = [];
  for (let offset = 0; offset < chunk.length; offset += MAX_PIECE_BYTES) {
    const piece = chunk.subarray(offset, Math.min(chunk.length, offset + MAX_PIECE_BYTES));
    frames.push(encodeChunkPiece(requestId, chunkIndex, chunk.length, offset, piece));
  }
  return frames;
}

/** @returns {Uint8Array} an ERROR frame; the reason is cut to MAX_REASON_BYTES of UTF-8 */
export function encodeError(requestId, code, reason = '') {
  checkRequestId(requestId, true);
  if (!Number.isInteger(code) || code < 1 || code > 0xffff) {
    throw new DcProtocolError('invalid-field', 'error code must be 1..65535');
  }
  let text = new TextEncoder().encode(String(reason));
  if (text.length > MAX_REASON_BYTES) {
    // Cutting may split a UTF-8 sequence; the decoder replaces it, which is fine for a human-readable reason.
    text = text.subarray(0, MAX_REASON_BYTES);
  }
  const { bytes, view } = header(HEADER_BYTES + 3 + text.length, FrameType.ERROR, requestId);
  view.setUint16(6, code);
  bytes[8] = text.length;
  bytes.set(text, 9);
  return bytes;
}

/** @returns {Uint8Array} a HAVE frame listing whole files held (their SHA-256) */
export function encodeHave(hashes) {
  if (!Array.isArray(hashes) || hashes.length > MAX_HAVE_HASHES) {
    throw new DcProtocolError('invalid-field', `have lists 0..${MAX_HAVE_HASHES} hashes`);
  }
  const { bytes, view } = header(HEADER_BYTES + 2 + hashes.length * HASH_BYTES, FrameType.HAVE, 0);
  view.setUint16(6, hashes.length);
  hashes.forEach((hash, i) => writeHash(bytes, HEADER_BYTES + 2 + i * HASH_BYTES, hash));
  return bytes;
}

/** @returns {Uint8Array} a CANCEL frame for an outstanding request */
export function encodeCancel(requestId) {
  checkRequestId(requestId);
  return header(HEADER_BYTES, FrameType.CANCEL, requestId).bytes;
}

function toBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new DcProtocolError('not-binary', 'c2c-dc.v1 frames are binary');
}

function exactLength(bytes, expected, what) {
  if (bytes.length < expected) throw new DcProtocolError('truncated', `${what} needs ${expected} bytes, got ${bytes.length}`);
  if (bytes.length > expected) throw new DcProtocolError('trailing-bytes', `${what} is ${expected} bytes, got ${bytes.length}`);
}

/**
 * Decodes one frame. Lengths are checked before any read; every field is range-checked.
 * @param {ArrayBuffer|ArrayBufferView} input
 * @returns {Frame}
 * @throws {DcProtocolError}
 */
export function decodeFrame(input) {
  const bytes = toBytes(input);
  if (bytes.length > MAX_FRAME_BYTES) throw new DcProtocolError('too-large', `frame of ${bytes.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  if (bytes.length < 2) throw new DcProtocolError('truncated', 'frame shorter than its version and type');
  if (bytes[0] !== DC_VERSION) throw new DcProtocolError('unsupported-version', `version ${bytes[0]} (this side speaks ${DC_VERSION})`);
  const type = TYPE_NAMES.get(bytes[1]);
  if (!type) throw new DcProtocolError('unknown-type', `frame type ${bytes[1]}`);
  if (bytes.length < HEADER_BYTES) throw new DcProtocolError('truncated', 'frame shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const requestId = view.getUint32(2);
  switch (type) {
    case 'request': {
      exactLength(bytes, REQUEST_BYTES, 'request');
      if (requestId === 0) throw new DcProtocolError('invalid-field', 'requestId 0 is reserved');
      return { type, requestId, fileHash: readHash(bytes, HEADER_BYTES), chunkIndex: view.getUint32(HEADER_BYTES + HASH_BYTES) };
    }
    case 'chunk': {
      if (bytes.length <= CHUNK_HEADER_BYTES) throw new DcProtocolError('truncated', 'chunk frame without data');
      if (requestId === 0) throw new DcProtocolError('invalid-field', 'requestId 0 is reserved');
      const chunkIndex = view.getUint32(6);
      const chunkLength = view.getUint32(10);
      const offset = view.getUint32(14);
      const data = bytes.subarray(CHUNK_HEADER_BYTES);
      if (chunkLength > MAX_CHUNK_BYTES) throw new DcProtocolError('invalid-field', `chunkLength ${chunkLength} exceeds ${MAX_CHUNK_BYTES}`);
      if (offset + data.length > chunkLength) throw new DcProtocolError('invalid-field', 'piece runs past the end of the chunk');
      return { type, requestId, chunkIndex, chunkLength, offset, data };
    }
    case 'error': {
      if (bytes.length < HEADER_BYTES + 3) throw new DcProtocolError('truncated', 'error frame too short');
      const code = view.getUint16(6);
      const reasonLength = bytes[8];
      if (reasonLength > MAX_REASON_BYTES) throw new DcProtocolError('invalid-field', `reason longer than ${MAX_REASON_BYTES} bytes`);
      exactLength(bytes, HEADER_BYTES + 3 + reasonLength, 'error');
      if (code === 0) throw new DcProtocolError('invalid-field', 'error code 0 is reserved');
      const reason = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(9));
      return { type, requestId, code, codeName: ERROR_NAMES.get(code) ?? 'unknown', reason };
    }
    case 'have': {
      if (bytes.length < HEADER_BYTES + 2) throw new DcProtocolError('truncated', 'have frame too short');
      if (requestId !== 0) throw new DcProtocolError('invalid-field', 'have carries requestId 0');
      const count = view.getUint16(6);
      if (count > MAX_HAVE_HASHES) throw new DcProtocolError('invalid-field', `have lists more than ${MAX_HAVE_HASHES} hashes`);
      exactLength(bytes, HEADER_BYTES + 2 + count * HASH_BYTES, 'have');
      const hashes = [];
      for (let i = 0; i < count; i++) hashes.push(readHash(bytes, HEADER_BYTES + 2 + i * HASH_BYTES));
      return { type, requestId: 0, hashes };
    }
    case 'cancel': {
      exactLength(bytes, HEADER_BYTES, 'cancel');
      if (requestId === 0) throw new DcProtocolError('invalid-field', 'requestId 0 is reserved');
      return { type, requestId };
    }
    default:
      throw new DcProtocolError('unknown-type', type);
  }
}
