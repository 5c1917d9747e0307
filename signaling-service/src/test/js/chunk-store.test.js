import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkStore } from '../../main/resources/META-INF/resources/c2c/chunk-store.js';

const h = (c) => c.repeat(64);
const bytes = (n, v = 1) => new Uint8Array(n).fill(v);

test('completes files, serves what it holds, and announces only whole files', async () => {
  const completed = [];
  const store = new ChunkStore({ maxBytes: 1000, onComplete: (f) => completed.push(f) });
  assert.equal(await store.put(h('a'), 0, 2, bytes(100, 7)), true);
  assert.deepEqual(store.completeFiles(), []);
  await store.put(h('a'), 1, 2, bytes(50, 8));
  assert.deepEqual(store.completeFiles(), [h('a')]);
  assert.deepEqual(completed, [h('a')]);
  assert.deepEqual(await store.get(h('a'), 1), bytes(50, 8));
  assert.equal(await store.get(h('a'), 2), undefined);
  assert.equal(await store.get(h('b'), 0), undefined);
  assert.equal(store.usedBytes, 150);
});

test('stays within its byte budget by evicting the least recently used file as a whole', async () => {
  const evicted = [];
  const store = new ChunkStore({ maxBytes: 1000, onEvict: (f) => evicted.push(f) });
  await store.put(h('a'), 0, 1, bytes(400));
  await store.put(h('b'), 0, 1, bytes(400));
  await store.get(h('a'), 0); // a is now more recent than b
  await store.put(h('c'), 0, 2, bytes(300));
  assert.deepEqual(evicted, [h('b')]);
  assert.equal(store.usedBytes, 700);
  assert.equal(await store.get(h('b'), 0), undefined);
  await store.put(h('c'), 1, 2, bytes(301)); // 400 + 601 > 1000: a must go
  assert.equal(store.usedBytes, 601);
  assert.deepEqual(store.completeFiles(), [h('c')]);
  assert.deepEqual(evicted, [h('b'), h('a')]);
});

test('a file larger than the whole budget is not kept', async () => {
  const store = new ChunkStore({ maxBytes: 500 });
  assert.equal(await store.put(h('a'), 0, 2, bytes(300)), true);
  assert.equal(await store.put(h('a'), 1, 2, bytes(300)), false);
  assert.equal(store.usedBytes, 0);
  assert.equal(store.has(h('a'), 0), false);
  assert.throws(() => new ChunkStore({ maxBytes: -1 }), RangeError);
});
