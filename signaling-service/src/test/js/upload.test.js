import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OPT_OUT_KEY, TokenBucket, UploadPolicy, UploadServer, browserEnvironment, setOptOut,
} from '../../main/resources/META-INF/resources/c2c/upload.js';
import { ChunkStore } from '../../main/resources/META-INF/resources/c2c/chunk-store.js';
import { ErrorCode, MAX_FRAME_BYTES, decodeFrame } from '../../main/resources/META-INF/resources/c2c/dc-protocol.js';
import { FakeClock, randomBytes, settle, sha256 } from './support.js';

const site = { p2pEnabled: true, uploadCapBytesPerSecond: 64 * 1024 };
const env = (over = {}) => () => ({ saveData: false, gpc: false, optOut: false, ...over });

test('upload policy: the visitor\'s and the owner\'s limits, table-driven', () => {
  const cases = [
    { name: 'allowed', site, env: {}, allowed: true, reason: 'ok', cap: 64 * 1024 },
    { name: 'site disabled', site: { ...site, p2pEnabled: false }, env: {}, allowed: false, reason: 'site-disabled' },
    { name: 'opt-out', site, env: { optOut: true }, allowed: false, reason: 'opt-out' },
    { name: 'save-data', site, env: { saveData: true }, allowed: false, reason: 'save-data' },
    { name: 'gpc, default handling', site, env: { gpc: true }, allowed: false, reason: 'gpc' },
    { name: 'gpc, owner chose no-upload', site: { ...site, globalPrivacyControl: 'no-upload' }, env: { gpc: true }, allowed: false, reason: 'gpc' },
    { name: 'gpc, owner chose origin-only', site: { ...site, globalPrivacyControl: 'origin-only' }, env: { gpc: true }, allowed: false, reason: 'gpc' },
    { name: 'gpc, owner chose ignore', site: { ...site, globalPrivacyControl: 'ignore' }, env: { gpc: true }, allowed: true, reason: 'ok', cap: 64 * 1024 },
    { name: 'owner cap 0', site: { ...site, uploadCapBytesPerSecond: 0 }, env: {}, allowed: false, reason: 'no-capacity' },
    { name: 'visitor cap lower', site, env: { capBytesPerSecond: 1000 }, allowed: true, reason: 'ok', cap: 1000 },
    { name: 'visitor cap higher', site, env: { capBytesPerSecond: 10 ** 9 }, allowed: true, reason: 'ok', cap: 64 * 1024 },
  ];
  for (const c of cases) {
    const d = new UploadPolicy(c.site, env(c.env)).decide();
    assert.equal(d.allowed, c.allowed, c.name);
    assert.equal(d.reason, c.reason, c.name);
    if (c.cap !== undefined) assert.equal(d.capBytesPerSecond, c.cap, c.name);
  }
  assert.equal(new UploadPolicy({ ...site, globalPrivacyControl: 'origin-only' }, env({ gpc: true })).downloadsFromPeers(), false);
  assert.equal(new UploadPolicy(site, env({ gpc: true })).downloadsFromPeers(), true);
});

test('browser environment reads saveData, GPC and the stored opt-out; blocked storage means no upload', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) };
  const read = browserEnvironment({ connection: { saveData: true }, globalPrivacyControl: true }, storage);
  assert.deepEqual(read(), { saveData: true, gpc: true, optOut: false });
  setOptOut(true, storage);
  assert.equal(store.get(OPT_OUT_KEY), '1');
  assert.equal(read().optOut, true);
  setOptOut(false, storage);
  assert.equal(read().optOut, false);
  assert.deepEqual(browserEnvironment({}, undefined)(), { saveData: false, gpc: false, optOut: false });
  const blocked = { getItem: () => { throw new Error('SecurityError'); } };
  assert.equal(browserEnvironment({}, blocked)().optOut, true);
});

test('token bucket: burst, then the rate; refusals take nothing', () => {
  const clock = new FakeClock();
  const b = new TokenBucket({ ratePerSecond: 1000, clock });
  assert.equal(b.reserve(1000, 0), 0, 'burst available');
  assert.equal(b.reserve(500, 100), -1, 'would wait 500 ms');
  assert.equal(b.reserve(500, 500), 500);
  clock.t += 500;
  assert.equal(b.reserve(1, 0), -1, 'the borrowed tokens were paid back, nothing left');
  clock.t += 2000;
  assert.equal(b.reserve(1000, 0), 0, 'refilled to the burst, not beyond');
  assert.equal(b.reserve(1, 0), -1);
  b.refund(300);
  assert.equal(b.reserve(300, 0), 0);
  const zero = new TokenBucket({ ratePerSecond: 0, clock });
  assert.equal(zero.reserve(1, 1e9), -1);
});

async function serverWith({ policy = new UploadPolicy(site, env()), clock = new FakeClock(), maxWaitMs = 2000, chunkBytes = 16 * 1024 } = {}) {
  const store = new ChunkStore({ maxBytes: 10 * 1024 * 1024 });
  const chunk = randomBytes(chunkBytes, 5);
  const fileHash = sha256(Buffer.from('file'));
  for (let i = 0; i < 8; i++) await store.put(fileHash, i, 8, chunk);
  const server = new UploadServer({ store, policy, clock, maxWaitMs });
  const sent = [];
  const send = (f) => { sent.push({ at: clock.now(), frame: decodeFrame(f), size: f.length }); };
  return { server, sent, send, fileHash, chunk, clock };
}

test('requests are refused with paused when the visitor does not upload', async () => {
  const { server, sent, send, fileHash } = await serverWith({ policy: new UploadPolicy(site, env({ saveData: true })) });
  await server.handleRequest('p', { requestId: 1, fileHash, chunkIndex: 0 }, send);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].frame.type, 'error');
  assert.equal(sent[0].frame.code, ErrorCode.PAUSED);
  assert.equal(sent[0].frame.reason, 'save-data');
});

test('a chunk not held is answered not-found; a held one is sent in frames of at most 64 KiB', async () => {
  const { server, sent, send, fileHash, chunk } = await serverWith({ chunkBytes: 200 * 1024, site });
  await server.handleRequest('p', { requestId: 1, fileHash, chunkIndex: 9 }, send);
  assert.equal(sent[0].frame.codeName, 'not-found');
  sent.length = 0;
  const bigSite = new UploadPolicy({ ...site, uploadCapBytesPerSecond: 1024 * 1024 }, env());
  const s2 = await serverWith({ chunkBytes: 200 * 1024, policy: bigSite });
  await s2.server.handleRequest('p', { requestId: 2, fileHash: s2.fileHash, chunkIndex: 0 }, s2.send);
  assert.equal(s2.sent.length, 4);
  assert.ok(s2.sent.every((s) => s.size <= MAX_FRAME_BYTES && s.frame.type === 'chunk'));
  const out = new Uint8Array(200 * 1024);
  for (const { frame } of s2.sent) out.set(frame.data, frame.offset);
  assert.deepEqual(out, s2.chunk);
  assert.equal(s2.server.stats.bytesServed, 200 * 1024);
  assert.equal(server.outstanding('p'), 0);
});

test('the upload cap paces chunks at the configured rate and refuses as busy beyond the wait bound', async () => {
  const clock = new FakeClock();
  const { server, sent, send, fileHash } = await serverWith({ clock, maxWaitMs: 2000, chunkBytes: 32 * 1024 });
  // cap 64 KiB/s, burst 64 KiB: chunks 0-1 now, 2 at 500 ms, 3 at 1000 ms, ... ; 6 would wait 2000 ms+: busy
  const all = [];
  for (let i = 0; i < 8; i++) all.push(server.handleRequest('p', { requestId: i + 1, fileHash, chunkIndex: i }, send));
  await clock.run(Promise.all(all));
  const chunks = sent.filter((s) => s.frame.type === 'chunk');
  const busy = sent.filter((s) => s.frame.type === 'error');
  assert.deepEqual(chunks.map((s) => s.at), [0, 0, 500, 1000, 1500, 2000]);
  assert.deepEqual(busy.map((s) => [s.frame.requestId, s.frame.codeName]), [[7, 'busy'], [8, 'busy']]);
  assert.equal(server.stats.refused.busy, 2);
});

test('per-peer outstanding requests are bounded, duplicates refused, cancel stops a queued chunk', async () => {
  const clock = new FakeClock();
  const slowSite = new UploadPolicy({ ...site, uploadCapBytesPerSecond: 1024 }, env());
  const { server, sent, send, fileHash } = await serverWith({ clock, policy: slowSite, maxWaitMs: 1e9, chunkBytes: 1024 });
  const all = [];
  for (let i = 1; i <= 17; i++) all.push(server.handleRequest('p', { requestId: i, fileHash, chunkIndex: i % 8 }, send));
  all.push(server.handleRequest('p', { requestId: 3, fileHash, chunkIndex: 0 }, send));
  await settle();
  assert.deepEqual(sent.filter((s) => s.frame.type === 'error').map((s) => [s.frame.requestId, s.frame.codeName]),
    [[17, 'too-many-requests'], [3, 'bad-request']]);
  assert.equal(server.outstanding('p'), 15, '16 accepted, the first already sent from the burst');
  all.push(server.handleRequest('other', { requestId: 1, fileHash, chunkIndex: 0 }, send));
  await settle();
  assert.equal(server.outstanding('other'), 1, 'the bound is per peer');
  server.cancel('p', 5);
  server.peerClosed('other');
  server.peerClosed('p');
  await clock.run(Promise.all(all));
  const chunkIds = sent.filter((s) => s.frame.type === 'chunk').map((s) => s.frame.requestId);
  assert.ok(!chunkIds.includes(5), 'cancelled request not served');
  assert.deepEqual(chunkIds, [1], 'only the request already sent went out; the rest were cancelled when the peers closed');
  assert.equal(server.outstanding('p'), 0);
});
