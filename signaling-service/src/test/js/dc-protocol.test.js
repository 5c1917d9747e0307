import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DC_VERSION, DcProtocolError, ErrorCode, MAX_FRAME_BYTES, MAX_HAVE_HASHES, MAX_PIECE_BYTES, MAX_CHUNK_BYTES,
  decodeFrame, encodeCancel, encodeChunk, encodeChunkPiece, encodeError, encodeHave, encodeRequest,
} from '../../main/resources/META-INF/resources/c2c/dc-protocol.js';
import { rng, sha256 } from './support.js';

const H1 = sha256(Buffer.from('one'));
const H2 = sha256(Buffer.from('two'));

test('every frame type round-trips through encode and decode', () => {
  const cases = [
    { name: 'request', bytes: encodeRequest(7, H1, 3), expected: { type: 'request', requestId: 7, fileHash: H1, chunkIndex: 3 } },
    { name: 'request, largest ids', bytes: encodeRequest(0xffffffff, H2, 0xffffffff), expected: { type: 'request', requestId: 0xffffffff, fileHash: H2, chunkIndex: 0xffffffff } },
    { name: 'cancel', bytes: encodeCancel(9), expected: { type: 'cancel', requestId: 9 } },
    { name: 'have, empty', bytes: encodeHave([]), expected: { type: 'have', requestId: 0, hashes: [] } },
    { name: 'have, two', bytes: encodeHave([H1, H2]), expected: { type: 'have', requestId: 0, hashes: [H1, H2] } },
    { name: 'error with reason', bytes: encodeError(5, ErrorCode.BUSY, 'cap'), expected: { type: 'error', requestId: 5, code: 2, codeName: 'busy', reason: 'cap' } },
    { name: 'error, connection-wide', bytes: encodeError(0, ErrorCode.UNSUPPORTED_VERSION), expected: { type: 'error', requestId: 0, code: 6, codeName: 'unsupported-version', reason: '' } },
    { name: 'error, unknown code from a newer peer', bytes: encodeError(1, 999, 'x'), expected: { type: 'error', requestId: 1, code: 999, codeName: 'unknown', reason: 'x' } },
  ];
  for (const c of cases) {
    assert.equal(c.bytes[0], DC_VERSION, c.name);
    assert.deepEqual(decodeFrame(c.bytes), c.expected, c.name);
    assert.deepEqual(decodeFrame(c.bytes.buffer.slice(0)), c.expected, `${c.name} (ArrayBuffer)`);
  }
});

test('a chunk larger than one frame is split into ordered pieces of at most 64 KiB that reassemble exactly', () => {
  for (const size of [1, MAX_PIECE_BYTES, MAX_PIECE_BYTES + 1, 256 * 1024, 256 * 1024 - 3]) {
    const chunk = new Uint8Array(size).map((_, i) => i * 31);
    const frames = encodeChunk(4, 2, chunk);
    assert.equal(frames.length, Math.ceil(size / MAX_PIECE_BYTES), `frames for ${size}`);
    const out = new Uint8Array(size);
    let expectedOffset = 0;
    for (const f of frames) {
      assert.ok(f.length <= MAX_FRAME_BYTES, `frame of ${f.length} bytes`);
      const d = decodeFrame(f);
      assert.equal(d.type, 'chunk');
      assert.equal(d.requestId, 4);
      assert.equal(d.chunkIndex, 2);
      assert.equal(d.chunkLength, size);
      assert.equal(d.offset, expectedOffset);
      out.set(d.data, d.offset);
      expectedOffset += d.data.length;
    }
    assert.deepEqual(out, chunk);
  }
});

function frame(...parts) {
  return Uint8Array.from(parts.flat());
}
const u32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16 = (n) => [(n >>> 8) & 255, n & 255];
const hash = new Array(32).fill(0xab);

test('malformed frames are refused with a typed error and a stable code', () => {
  const cases = [
    { name: 'empty', bytes: frame(), code: 'truncated' },
    { name: 'version only', bytes: frame(1), code: 'truncated' },
    { name: 'version 2', bytes: frame(2, 1, u32(1), hash, u32(0)), code: 'unsupported-version' },
    { name: 'version 0', bytes: frame(0, 1), code: 'unsupported-version' },
    { name: 'unknown type 0', bytes: frame(1, 0, u32(1)), code: 'unknown-type' },
    { name: 'unknown type 6', bytes: frame(1, 6, u32(1)), code: 'unknown-type' },
    { name: 'header cut', bytes: frame(1, 1, 0, 0, 1), code: 'truncated' },
    { name: 'request without index', bytes: frame(1, 1, u32(1), hash), code: 'truncated' },
    { name: 'request with trailing byte', bytes: frame(1, 1, u32(1), hash, u32(0), 9), code: 'trailing-bytes' },
    { name: 'request id 0', bytes: frame(1, 1, u32(0), hash, u32(0)), code: 'invalid-field' },
    { name: 'chunk without data', bytes: frame(1, 2, u32(1), u32(0), u32(4), u32(0)), code: 'truncated' },
    { name: 'chunk id 0', bytes: frame(1, 2, u32(0), u32(0), u32(4), u32(0), 1), code: 'invalid-field' },
    { name: 'chunk past its length', bytes: frame(1, 2, u32(1), u32(0), u32(4), u32(3), 1, 2), code: 'invalid-field' },
    { name: 'chunk length above 4 MiB', bytes: frame(1, 2, u32(1), u32(0), u32(MAX_CHUNK_BYTES + 1), u32(0), 1), code: 'invalid-field' },
    { name: 'chunk offset overflow', bytes: frame(1, 2, u32(1), u32(0), u32(0xffffffff), u32(0xffffffff), 1), code: 'invalid-field' },
    { name: 'error too short', bytes: frame(1, 3, u32(1), u16(1)), code: 'truncated' },
    { name: 'error reason longer than said', bytes: frame(1, 3, u32(1), u16(1), 3, 65, 66), code: 'truncated' },
    { name: 'error reason shorter than said', bytes: frame(1, 3, u32(1), u16(1), 1, 65, 66), code: 'trailing-bytes' },
    { name: 'error reason above 200 bytes', bytes: frame(1, 3, u32(1), u16(1), 201, new Array(201).fill(65)), code: 'invalid-field' },
    { name: 'error code 0', bytes: frame(1, 3, u32(1), u16(0), 0), code: 'invalid-field' },
    { name: 'have with request id', bytes: frame(1, 4, u32(1), u16(0)), code: 'invalid-field' },
    { name: 'have count without hashes', bytes: frame(1, 4, u32(0), u16(2), hash), code: 'truncated' },
    { name: 'have count above limit', bytes: frame(1, 4, u32(0), u16(MAX_HAVE_HASHES + 1)), code: 'invalid-field' },
    { name: 'have with trailing bytes', bytes: frame(1, 4, u32(0), u16(1), hash, 0), code: 'trailing-bytes' },
    { name: 'cancel with body', bytes: frame(1, 5, u32(1), 0), code: 'trailing-bytes' },
    { name: 'cancel id 0', bytes: frame(1, 5, u32(0)), code: 'invalid-field' },
    { name: 'oversized', bytes: new Uint8Array(MAX_FRAME_BYTES + 1).fill(1), code: 'too-large' },
  ];
  for (const c of cases) {
    assert.throws(() => decodeFrame(c.bytes), (e) => e instanceof DcProtocolError && e.code === c.code, c.name);
  }
  assert.throws(() => decodeFrame('{"type":"request"}'), (e) => e instanceof DcProtocolError && e.code === 'not-binary');
  assert.throws(() => decodeFrame(null), (e) => e instanceof DcProtocolError && e.code === 'not-binary');
});

test('encoders refuse what the protocol cannot carry', () => {
  const cases = [
    ['request id 0', () => encodeRequest(0, H1, 0)],
    ['request id above u32', () => encodeRequest(2 ** 32, H1, 0)],
    ['request bad hash', () => encodeRequest(1, 'ABC', 0)],
    ['request uppercase hash', () => encodeRequest(1, H1.toUpperCase(), 0)],
    ['request negative index', () => encodeRequest(1, H1, -1)],
    ['empty chunk', () => encodeChunk(1, 0, new Uint8Array(0))],
    ['chunk above 4 MiB', () => encodeChunk(1, 0, new Uint8Array(MAX_CHUNK_BYTES + 1))],
    ['piece above 64 KiB', () => encodeChunkPiece(1, 0, MAX_CHUNK_BYTES, 0, new Uint8Array(MAX_PIECE_BYTES + 1))],
    ['piece past chunk end', () => encodeChunkPiece(1, 0, 10, 5, new Uint8Array(6))],
    ['too many have hashes', () => encodeHave(new Array(MAX_HAVE_HASHES + 1).fill(H1))],
    ['error code 0', () => encodeError(1, 0)],
    ['cancel id 0', () => encodeCancel(0)],
  ];
  for (const [name, fn] of cases) assert.throws(fn, DcProtocolError, name);
  assert.equal(decodeFrame(encodeError(1, 1, 'é'.repeat(300))).reason.length <= 200, true, 'long reasons are cut');
  assert.ok(encodeHave(new Array(MAX_HAVE_HASHES).fill(H1)).length <= MAX_FRAME_BYTES, 'the largest have fits in a frame');
});

function expectTypedOrFrame(bytes, seedInfo) {
  try {
    const decoded = decodeFrame(bytes);
    assert.ok(['request', 'chunk', 'error', 'have', 'cancel'].includes(decoded.type), seedInfo);
    return decoded;
  } catch (e) {
    if (!(e instanceof DcProtocolError)) assert.fail(`${seedInfo}: threw ${e?.name}: ${e?.message}`);
    return null;
  }
}

test('fuzz: random bytes, truncations and bit flips of valid frames only ever give a frame or a DcProtocolError', () => {
  const next = rng(20261126);
  const valid = [
    encodeRequest(3, H1, 5), encodeCancel(3), encodeHave([H1, H2]), encodeError(3, ErrorCode.NOT_FOUND, 'nope'),
    ...encodeChunk(3, 1, new Uint8Array(70000).fill(7)),
  ];
  let decodedCount = 0;
  for (let i = 0; i < 3000; i++) {
    const len = Math.floor(next() * 80);
    const bytes = new Uint8Array(len).map(() => Math.floor(next() * 256));
    if (len > 0 && next() < 0.5) bytes[0] = 1; // reach past the version check half the time
    if (len > 1 && next() < 0.5) bytes[1] = 1 + Math.floor(next() * 5);
    if (expectTypedOrFrame(bytes, `random #${i}`)) decodedCount++;
  }
  for (const [k, v] of valid.entries()) {
    for (let cut = 0; cut < Math.min(v.length, 120); cut++) expectTypedOrFrame(v.subarray(0, cut), `frame ${k} cut at ${cut}`);
    for (let i = 0; i < 300; i++) {
      const copy = v.slice();
      copy[Math.floor(next() * copy.length)] ^= 1 << Math.floor(next() * 8);
      const decoded = expectTypedOrFrame(copy, `frame ${k} flip #${i}`);
      if (decoded) decodedCount++;
    }
  }
  assert.ok(decodedCount > 0, 'the fuzzer also produced decodable frames, so it reached the field checks');
});

test('fuzz: decode → encode → decode is stable for every frame the decoder accepts', () => {
  const next = rng(42);
  for (let i = 0; i < 2000; i++) {
    const kind = Math.floor(next() * 5);
    const id = 1 + Math.floor(next() * 0xfffffffe);
    const h = sha256(Buffer.from(String(next())));
    let bytes;
    if (kind === 0) bytes = encodeRequest(id, h, Math.floor(next() * 1e6));
    else if (kind === 1) bytes = encodeCancel(id);
    else if (kind === 2) bytes = encodeHave(Array.from({ length: Math.floor(next() * 5) }, () => h));
    else if (kind === 3) bytes = encodeError(id, 1 + Math.floor(next() * 7), String(next()));
    else bytes = encodeChunkPiece(id, 3, 100, 10, new Uint8Array(1 + Math.floor(next() * 90)));
    const d = decodeFrame(bytes);
    let again;
    if (d.type === 'request') again = encodeRequest(d.requestId, d.fileHash, d.chunkIndex);
    else if (d.type === 'cancel') again = encodeCancel(d.requestId);
    else if (d.type === 'have') again = encodeHave(d.hashes);
    else if (d.type === 'error') again = encodeError(d.requestId, d.code, d.reason);
    else again = encodeChunkPiece(d.requestId, d.chunkIndex, d.chunkLength, d.offset, d.data);
    assert.deepEqual(again, bytes, `case ${i} (${d.type})`);
  }
});
