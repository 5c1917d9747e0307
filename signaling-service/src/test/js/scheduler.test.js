import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchFile } from '../../main/resources/META-INF/resources/c2c/scheduler.js';
import { FetchError } from '../../main/resources/META-INF/resources/c2c/errors.js';
import { systemClock } from '../../main/resources/META-INF/resources/c2c/clock.js';
import { FakeClock, fakeOrigin, fakePeer, makeFile, nodeDigest, rng } from './support.js';

const CHUNK = 1024;

function setup(size = 20 * CHUNK - 100) {
  const clock = new FakeClock();
  const { file, bytes } = makeFile(size, CHUNK);
  return { clock, file, bytes };
}

function run(clock, options) {
  const events = { bad: [], dropped: [], fallbacks: [], chunks: [] };
  const promise = fetchFile({
    clock,
    digest: nodeDigest,
    events: {
      onPeerBad: (id, info) => events.bad.push({ id, ...info }),
      onPeerDropped: (id, reason) => events.dropped.push({ id, reason }),
      onFallback: (reason) => events.fallbacks.push(reason),
      onChunk: (index, source, peerId) => events.chunks.push({ index, source, peerId }),
    },
    ...options,
  });
  return { events, result: clock.run(promise) };
}

test('honest peers: every chunk comes from peers, spread over all of them, within the per-peer limit', async () => {
  const { clock, file, bytes } = setup();
  const peers = ['a', 'b', 'c'].map((id) => fakePeer(id, bytes, file, clock, { delayMs: 20 }));
  const origin = fakeOrigin(bytes, clock);
  const { result, events } = run(clock, { file, peers, origin, policy: { maxPerPeer: 3 } });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.equal(stats.bytesFromPeers, bytes.length);
  assert.equal(stats.bytesFromOrigin, 0);
  assert.equal(origin.requests.length, 0);
  assert.equal(stats.fallbackReason, null);
  for (const p of peers) {
    assert.ok(p.answered >= 5, `peer ${p.id} served ${p.answered} chunks`);
    assert.ok(p.maxInFlight <= 3, `peer ${p.id} had ${p.maxInFlight} in flight`);
  }
  assert.equal(Object.values(stats.bytesByPeer).reduce((a, b) => a + b, 0), bytes.length);
  assert.equal(events.chunks.length, file.chunks.length);
  // 20 chunks, 3 peers x 3 in flight, 20 ms each: 3 rounds, far below any deadline
  assert.ok(stats.durationMs <= 60, `took ${stats.durationMs} ms`);
});

test('a lying peer is detected, dropped and reported, and no corrupted byte is accepted', async () => {
  const { clock, file, bytes } = setup();
  const liar = fakePeer('liar', bytes, file, clock, { behaviour: 'liar', delayMs: 5 });
  const honest = fakePeer('honest', bytes, file, clock, { delayMs: 20 });
  const { result, events } = run(clock, { file, peers: [liar, honest], origin: fakeOrigin(bytes, clock) });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.equal(events.bad.length, 1, 'reported once');
  assert.equal(events.bad[0].id, 'liar');
  assert.equal(events.bad[0].reason, 'chunk-hash');
  assert.equal(events.bad[0].fileHash, file.sha256);
  assert.deepEqual(events.dropped, [{ id: 'liar', reason: 'bad-chunk' }]);
  assert.equal(liar.closedWith, 'bad-chunk');
  assert.equal(stats.badChunks, 1);
  assert.equal(stats.bytesByPeer.liar, undefined);
  assert.equal(stats.bytesFromPeers, bytes.length, 'the honest peer served the rest');
});

test('a peer sending a chunk of the wrong length is treated as lying', async () => {
  const { clock, file, bytes } = setup();
  const short = fakePeer('short', bytes, file, clock, { behaviour: 'short', delayMs: 5 });
  const honest = fakePeer('honest', bytes, file, clock, { delayMs: 5 });
  const { result, events } = run(clock, { file, peers: [short, honest], origin: fakeOrigin(bytes, clock) });
  assert.deepEqual((await result).bytes, bytes);
  assert.equal(events.bad[0].reason, 'chunk-length');
});

test('a slow peer times out, its chunks are re-requested elsewhere, and it is dropped after repeated timeouts', async () => {
  const { clock, file, bytes } = setup();
  const slow = fakePeer('slow', bytes, file, clock, { behaviour: 'slow' });
  const honest = fakePeer('honest', bytes, file, clock, { delayMs: 20 });
  const policy = { chunkTimeoutMs: 200, firstChunkDeadlineMs: 500, stallMs: 1000, maxTimeoutsPerPeer: 2 };
  const { result, events } = run(clock, { file, peers: [slow, honest], origin: fakeOrigin(bytes, clock), policy });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.ok(stats.timeouts >= 2, `${stats.timeouts} timeouts`);
  assert.ok(slow.aborted >= 2, 'timed-out requests were cancelled at the peer');
  assert.deepEqual(events.dropped, [{ id: 'slow', reason: 'slow' }]);
  assert.equal(stats.bytesFromOrigin, 0, 'the honest peer covered the re-requests before any deadline');
  assert.equal(stats.bytesByPeer.honest, bytes.length);
});

test('a peer that disconnects mid-transfer is dropped and the transfer finishes from the others', async () => {
  const { clock, file, bytes } = setup();
  const flaky = fakePeer('flaky', bytes, file, clock, { behaviour: 'disconnect', after: 3, delayMs: 10 });
  const honest = fakePeer('honest', bytes, file, clock, { delayMs: 10 });
  const { result, events } = run(clock, { file, peers: [flaky, honest], origin: fakeOrigin(bytes, clock) });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.equal(flaky.answered, 3);
  assert.deepEqual(events.dropped, [{ id: 'flaky', reason: 'gone' }]);
  assert.equal(events.bad.length, 0, 'a disconnect is not reported as a bad chunk');
  assert.equal(stats.bytesByPeer.flaky, 3 * CHUNK);
});

test('peers that refuse (not-found) are not asked again and the origin covers the file', async () => {
  const { clock, file, bytes } = setup();
  const refuser = fakePeer('r', bytes, file, clock, { behaviour: 'refuse', delayMs: 5 });
  const origin = fakeOrigin(bytes, clock, { delayMs: 30 });
  const { result, events } = run(clock, { file, peers: [refuser], origin });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.equal(refuser.requests, 4, 'only the first round (maxPerPeer) was sent before the refusals came back');
  assert.equal(stats.fallbackReason, 'no-peers');
  assert.deepEqual(events.fallbacks, ['no-peers']);
  assert.equal(stats.bytesFromOrigin, bytes.length);
  assert.equal(origin.requests.length, 1, 'missing chunks are coalesced into one range');
  assert.equal(stats.durationMs, 5 + 30);
});

test('no peers at all: straight to the origin, no deadline waited', async () => {
  const { clock, file, bytes } = setup();
  const origin = fakeOrigin(bytes, clock, { delayMs: 40 });
  const { result } = run(clock, { file, peers: [], origin });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.equal(stats.fallbackReason, 'no-peers');
  assert.equal(stats.durationMs, 40, 'exactly the origin time');
  assert.deepEqual(origin.requests, [[0, bytes.length]]);
});

test('deadline policy: peers that never answer cost at most firstChunkDeadlineMs over the origin time', async () => {
  const { clock, file, bytes } = setup();
  const peers = ['s1', 's2'].map((id) => fakePeer(id, bytes, file, clock, { behaviour: 'slow' }));
  const origin = fakeOrigin(bytes, clock, { delayMs: 80 });
  const policy = { firstChunkDeadlineMs: 100, chunkTimeoutMs: 5000 };
  const { result } = run(clock, { file, peers, origin, policy });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.equal(stats.fallbackReason, 'first-chunk-deadline');
  assert.equal(stats.durationMs, 100 + 80);
  assert.equal(stats.bytesFromOrigin, bytes.length);
});

test('deadline policy: a swarm that stalls after some chunks hands the rest to the origin', async () => {
  const { clock, file, bytes } = setup();
  // answers 4 chunks quickly, then stays silent (disconnect without telling)
  const p = fakePeer('p', bytes, file, clock, { delayMs: 10 });
  const base = p.requestChunk;
  let served = 0;
  p.requestChunk = (h, i, l, s) => (served++ < 4 ? base(h, i, l, s) : new Promise(() => {}));
  const origin = fakeOrigin(bytes, clock, { delayMs: 20 });
  const policy = { stallMs: 300, chunkTimeoutMs: 10000, maxPerPeer: 2 };
  const { result } = run(clock, { file, peers: [p], origin, policy });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.equal(stats.fallbackReason, 'stall');
  assert.equal(stats.chunksFromPeers, 4);
  assert.equal(stats.bytesFromOrigin, bytes.length - 4 * CHUNK);
});

test('deadline policy: the overall deadline ends the peer phase even while peers keep trickling', async () => {
  const { clock, file, bytes } = setup(40 * CHUNK);
  const p = fakePeer('p', bytes, file, clock, { delayMs: 100 });
  const origin = fakeOrigin(bytes, clock, { delayMs: 10 });
  const policy = { deadlineMs: 450, maxPerPeer: 1, stallMs: 1000, chunkTimeoutMs: 1000 };
  const { result, events } = run(clock, { file, peers: [p], origin, policy });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.deepEqual(events.fallbacks, ['deadline']);
  assert.equal(stats.chunksFromPeers, 4);
  assert.equal(stats.chunksFromOrigin, 36);
  assert.equal(stats.durationMs, 460);
});

test('a chunk every live peer failed goes to the origin at once, without waiting for a deadline', async () => {
  const { clock, file, bytes } = setup(4 * CHUNK);
  const p = fakePeer('p', bytes, file, clock, { delayMs: 10 });
  const base = p.requestChunk;
  p.requestChunk = (h, i, l, s) => (i === 2 ? Promise.reject(new Error('odd failure')) : base(h, i, l, s));
  const origin = fakeOrigin(bytes, clock, { delayMs: 10 });
  const { result } = run(clock, { file, peers: [p], origin, policy: { firstChunkDeadlineMs: 5000 } });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.deepEqual(origin.requests, [[2 * CHUNK, 3 * CHUNK]]);
  assert.equal(stats.chunksFromOrigin, 1);
  assert.equal(stats.fallbackReason, null);
});

test('only liars: all dropped and reported, the origin delivers, zero corrupted bytes', async () => {
  const { clock, file, bytes } = setup();
  const peers = ['l1', 'l2', 'l3'].map((id) => fakePeer(id, bytes, file, clock, { behaviour: 'liar', delayMs: 5 }));
  const { result, events } = run(clock, { file, peers, origin: fakeOrigin(bytes, clock) });
  const { bytes: got, stats } = await result;
  assert.deepEqual(got, bytes);
  assert.deepEqual(events.bad.map((b) => b.id).sort(), ['l1', 'l2', 'l3']);
  assert.equal(stats.bytesFromPeers, 0);
  assert.equal(stats.fallbackReason, 'no-peers');
});

test('an origin whose bytes no longer match the manifest fails the fetch with a typed error', async () => {
  const { clock, file, bytes } = setup();
  const stale = bytes.slice();
  stale[5000] ^= 1;
  const { result } = run(clock, { file, peers: [], origin: fakeOrigin(bytes, clock, { served: stale }) });
  await assert.rejects(result, (e) => e instanceof FetchError && e.code === 'origin-mismatch');
});

test('an origin that fails gives a typed error, not a hang', async () => {
  const { clock, file, bytes } = setup();
  const { result } = run(clock, { file, peers: [], origin: fakeOrigin(bytes, clock, { fail: true }) });
  await assert.rejects(result, (e) => e instanceof FetchError && e.code === 'origin-failed');
});

test('an empty file completes at once', async () => {
  const clock = new FakeClock();
  const { file } = makeFile(0, CHUNK);
  const { result } = run(clock, { file, peers: [], origin: fakeOrigin(new Uint8Array(0), clock) });
  assert.equal((await result).bytes.length, 0);
});

test('fuzz: any mix of honest, slow, lying, refusing and disconnecting peers yields the exact bytes', async () => {
  const kinds = ['honest', 'slow', 'liar', 'refuse', 'disconnect', 'short'];
  for (let seed = 1; seed <= 60; seed++) {
    const next = rng(seed);
    const { clock, file, bytes } = setup(1 + Math.floor(next() * 30 * CHUNK));
    const peers = Array.from({ length: Math.floor(next() * 6) }, (_, i) => fakePeer(`p${i}`, bytes, file, clock, {
      behaviour: kinds[Math.floor(next() * kinds.length)],
      delayMs: 1 + Math.floor(next() * 400),
      after: Math.floor(next() * 4),
    }));
    const origin = fakeOrigin(bytes, clock, { delayMs: 1 + Math.floor(next() * 200) });
    const policy = { chunkTimeoutMs: 300, maxPerPeer: 1 + Math.floor(next() * 4) };
    const { result, events } = run(clock, { file, peers, origin, policy });
    const { bytes: got, stats } = await result;
    assert.deepEqual(got, bytes, `seed ${seed}`);
    assert.equal(stats.bytesFromPeers + stats.bytesFromOrigin, bytes.length, `seed ${seed}: every byte counted once`);
    const byId = new Map(peers.map((p) => [p.id, p]));
    for (const b of events.bad) assert.ok(['liar', 'short'].includes(byId.get(b.id).behaviour), `seed ${seed}: ${b.id} reported`);
    for (const p of peers) {
      if (['liar', 'short'].includes(p.behaviour)) assert.equal(stats.bytesByPeer[p.id], undefined, `seed ${seed}: bytes of ${p.id} used`);
    }
    for (const p of peers) assert.ok(p.maxInFlight <= policy.maxPerPeer, `seed ${seed}: ${p.id} had ${p.maxInFlight} in flight`);
  }
});

test('with the real clock and Web Crypto digest, honest peers deliver a verified file', async () => {
  const { file, bytes } = makeFile(300 * 1024, 64 * 1024, 11);
  const peers = ['a', 'b'].map((id) => fakePeer(id, bytes, file, systemClock, { delayMs: 2 }));
  const { bytes: got, stats } = await fetchFile({ file, peers, origin: fakeOrigin(bytes, systemClock) });
  assert.deepEqual(got, bytes);
  assert.equal(stats.bytesFromPeers, bytes.length);
});

test('a digest that fails (not a mismatch) ends the fetch with a typed error instead of an unhandled rejection', async () => {
  const { clock, file, bytes } = setup();
  const broken = async () => { throw new Error('crypto unavailable'); };
  const peers = [fakePeer('a', bytes, file, clock)];
  const fromPeers = clock.run(fetchFile({ file, peers, origin: fakeOrigin(bytes, clock), clock, digest: broken }));
  await assert.rejects(fromPeers, (e) => e instanceof FetchError && e.code === 'verify-failed');
  const fromOrigin = clock.run(fetchFile({ file, peers: [], origin: fakeOrigin(bytes, clock), clock, digest: broken }));
  await assert.rejects(fromOrigin, (e) => e instanceof FetchError && e.code === 'verify-failed');
});
