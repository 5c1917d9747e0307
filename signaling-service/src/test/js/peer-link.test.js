import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerLink } from '../../main/resources/META-INF/resources/c2c/peer-link.js';
import { PeerGoneError, PeerRefusedError } from '../../main/resources/META-INF/resources/c2c/errors.js';
import { ChunkStore } from '../../main/resources/META-INF/resources/c2c/chunk-store.js';
import { UploadPolicy, UploadServer } from '../../main/resources/META-INF/resources/c2c/upload.js';
import { fetchFile } from '../../main/resources/META-INF/resources/c2c/scheduler.js';
import { chunkLength } from '../../main/resources/META-INF/resources/c2c/manifest.js';
import {
  MAX_FRAME_BYTES, decodeFrame, encodeChunkPiece, encodeError, encodeHave, encodeRequest,
} from '../../main/resources/META-INF/resources/c2c/dc-protocol.js';
import { makeFile, settle, sha256, fakeOrigin } from './support.js';
import { systemClock } from '../../main/resources/META-INF/resources/c2c/clock.js';

/** Two in-memory channel ends, delivering asynchronously and in order like an ordered RTCDataChannel. */
function channelPair() {
  const ends = [0, 1].map(() => ({ link: null, sent: [], closed: false }));
  const make = (me, other) => ({
    send(bytes) {
      if (me.closed) throw new Error('InvalidStateError');
      me.sent.push(bytes.length);
      const copy = bytes.slice();
      setImmediate(() => other.link && !other.closed && other.link.receive(copy.buffer));
    },
    close() {
      if (me.closed) return;
      me.closed = true;
      other.closed = true;
      setImmediate(() => other.link?.closed('channel-closed'));
    },
  });
  return { a: make(ends[0], ends[1]), b: make(ends[1], ends[0]), ends };
}

const allow = new UploadPolicy({ p2pEnabled: true, uploadCapBytesPerSecond: 100 * 1024 * 1024 }, () => ({ saveData: false, gpc: false, optOut: false }));

async function holder(file, bytes, corrupt = false) {
  const store = new ChunkStore({ maxBytes: 64 * 1024 * 1024 });
  for (let i = 0; i < file.chunks.length; i++) {
    const start = i * file.chunkSize;
    const chunk = bytes.slice(start, start + chunkLength(file, i));
    if (corrupt && i === 1) chunk[0] ^= 1;
    await store.put(file.sha256, i, file.chunks.length, chunk);
  }
  return new UploadServer({ store, policy: allow });
}

function connect(serverSide, name = 'holder') {
  const { a, b, ends } = channelPair();
  const events = { violations: [], closes: [], haves: [] };
  const client = new PeerLink({
    peerId: name, channel: a,
    onViolation: (id, code) => events.violations.push(code),
    onClose: (id, reason) => events.closes.push(reason),
    onHave: (id, hashes) => events.haves.push(...hashes),
  });
  const server = new PeerLink({ peerId: 'visitor', channel: b, uploadServer: serverSide });
  ends[0].link = client;
  ends[1].link = server;
  return { client, server, events, ends };
}

test('a 256 KiB-chunk file crosses real links in frames of at most 64 KiB and verifies', async () => {
  const { file, bytes } = makeFile(700 * 1024, 256 * 1024, 3);
  const { client, ends } = connect(await holder(file, bytes));
  const { bytes: got, stats } = await fetchFile({ file, peers: [client], origin: fakeOrigin(bytes, systemClock) });
  assert.deepEqual(got, bytes);
  assert.equal(stats.bytesFromPeers, bytes.length);
  assert.ok(Math.max(...ends[1].sent) <= MAX_FRAME_BYTES, `largest frame ${Math.max(...ends[1].sent)}`);
  assert.ok(ends[1].sent.length >= 12, 'chunks were split into pieces');
});

test('a holder serving a corrupted chunk is dropped by the scheduler and the origin fills in', async () => {
  const { file, bytes } = makeFile(5 * 1024, 1024, 4);
  const { client, events } = connect(await holder(file, bytes, true));
  const bad = [];
  const { bytes: got, stats } = await fetchFile({
    file, peers: [client], origin: fakeOrigin(bytes, systemClock, { delayMs: 1 }), events: { onPeerBad: (id, info) => bad.push([id, info.index]) },
  });
  assert.deepEqual(got, bytes);
  assert.deepEqual(bad, [['holder', 1]]);
  assert.ok(stats.bytesFromOrigin >= 1024);
  assert.equal(client.isClosed, true, 'the link was closed');
  assert.deepEqual(events.closes, ['bad-chunk']);
});

test('error frames become PeerRefusedError; a closed channel rejects everything outstanding with PeerGoneError', async () => {
  const { file } = makeFile(4096, 1024, 5);
  const empty = new UploadServer({ store: new ChunkStore({ maxBytes: 1000 }), policy: allow });
  const { client, ends } = connect(empty);
  await assert.rejects(client.requestChunk(file.sha256, 0, 1024), (e) => e instanceof PeerRefusedError && e.code === 'not-found');
  const stuck = client.requestChunk(file.sha256, 1, 1024);
  ends[1].link = null; // the other side goes silent, then the channel closes
  ends[0].closed = true;
  client.closed('channel-closed');
  await assert.rejects(stuck, (e) => e instanceof PeerGoneError && e.reason === 'channel-closed');
  await assert.rejects(client.requestChunk(file.sha256, 2, 1024), PeerGoneError);
});

test('a link without an upload server answers requests with paused', async () => {
  const { file } = makeFile(4096, 1024, 5);
  const { client } = connect(undefined);
  await assert.rejects(client.requestChunk(file.sha256, 0, 1024), (e) => e instanceof PeerRefusedError && e.code === 'paused');
});

test('aborting a request sends CANCEL; pieces that were already on their way are ignored, not a violation', async () => {
  const { client, events, ends } = connect(undefined);
  const hash = sha256(Buffer.from('x'));
  const seen = [];
  ends[1].link = { receive: (data) => seen.push(decodeFrame(data)), closed: () => {} }; // a peer we script by hand
  const controller = new AbortController();
  const request = client.requestChunk(hash, 0, 10, controller.signal);
  await settle();
  controller.abort();
  await assert.rejects(request, (e) => e.name === 'AbortError');
  await settle();
  assert.deepEqual(seen.map((f) => f.type), ['request', 'cancel']);
  client.receive(encodeChunkPiece(seen[0].requestId, 0, 10, 0, new Uint8Array(10)));
  client.receive(encodeError(seen[0].requestId, 1));
  assert.equal(client.isClosed, false);
  assert.deepEqual(events.violations, []);
});

test('protocol violations close the link and are reported, table-driven', async () => {
  const hash = sha256(Buffer.from('x'));
  const cases = [
    { name: 'garbage', send: () => new Uint8Array([9, 9, 9]), code: 'unsupported-version' },
    { name: 'text message', send: () => 'hello', code: 'not-binary' },
    { name: 'truncated request', send: () => encodeRequest(1, hash, 0).subarray(0, 20), code: 'truncated' },
    { name: 'chunk nobody asked for', send: () => encodeChunkPiece(77, 0, 10, 0, new Uint8Array(10)), code: 'unexpected-chunk' },
    { name: 'chunk for the wrong index', send: (id) => encodeChunkPiece(id, 5, 10, 0, new Uint8Array(10)), code: 'chunk-mismatch' },
    { name: 'chunk of the wrong length', send: (id) => encodeChunkPiece(id, 0, 11, 0, new Uint8Array(11)), code: 'chunk-mismatch' },
    { name: 'piece out of order', send: (id) => encodeChunkPiece(id, 0, 10, 5, new Uint8Array(5)), code: 'chunk-mismatch' },
  ];
  for (const c of cases) {
    const { client, events, ends } = connect(undefined);
    const seen = [];
    ends[1].link = { receive: (data) => seen.push(decodeFrame(data)), closed: () => {} };
    const pending = client.requestChunk(hash, 0, 10);
    await settle();
    client.receive(c.send(seen[0].requestId));
    assert.deepEqual(events.violations, [c.code], c.name);
    assert.equal(client.isClosed, true, c.name);
    await assert.rejects(pending, PeerGoneError, c.name);
  }
});

test('have frames are remembered up to a bound; more is a violation', async () => {
  const { client, events } = connect(undefined);
  const hashes = Array.from({ length: 1024 }, (_, i) => sha256(Buffer.from(String(i))));
  client.receive(encodeHave(hashes));
  assert.equal(client.has(hashes[5]), true);
  assert.equal(events.haves.length, 1024);
  for (let k = 1; k < 4; k++) client.receive(encodeHave(hashes.map((_, i) => sha256(Buffer.from(`${k}-${i}`)))));
  assert.equal(client.assets.size, 4096);
  assert.equal(client.isClosed, false);
  client.receive(encodeHave([sha256(Buffer.from('one more'))]));
  assert.deepEqual(events.violations, ['too-many-assets']);
});

test('the local outstanding limit is the protocol\'s 16', async () => {
  const { client, ends } = connect(undefined);
  ends[1].link = { receive: () => {}, closed: () => {} };
  const hash = sha256(Buffer.from('x'));
  const pending = Array.from({ length: 16 }, (_, i) => client.requestChunk(hash, i, 10));
  await assert.rejects(client.requestChunk(hash, 16, 10), (e) => e instanceof PeerRefusedError && e.code === 'too-many-requests');
  client.close('test');
  for (const p of pending) await assert.rejects(p, PeerGoneError);
});
