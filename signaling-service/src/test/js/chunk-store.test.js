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

test('cache storage: every page life gets its own cache; stale ones and the old shared one are swept', async () => {
  const { CacheStorageBackend } = await import('../../main/resources/META-INF/resources/c2c/chunk-store.js');
  const opened = new Map();
  const caches = {
    names: new Set(['c2c-chunks-v1', `c2c-chunks-v1-${1000}-aa`, `c2c-chunks-v1-${1000 + 25 * 3600 * 1000 - 10}-bb`, 'other-app']),
    async keys() { return [...this.names]; },
    async delete(name) { const had = this.names.delete(name); opened.delete(name); return had; },
    async open(name) {
      this.names.add(name);
      if (!opened.has(name)) opened.set(name, new Map());
      const store = opened.get(name);
      return {
        async match(url) { return store.has(url) ? new Response(store.get(url)) : undefined; },
        async put(url, response) { store.set(url, new Uint8Array(await response.arrayBuffer())); },
        async delete(url) { return store.delete(url); },
      };
    },
  };
  const now = 1000 + 25 * 3600 * 1000;
  let hide;
  const first = CacheStorageBackend.forPageLife(caches, { now, random: () => 0.25, onPageHide: (drop) => { hide = drop; } });
  const second = CacheStorageBackend.forPageLife(caches, { now, random: () => 0.5 });
  assert.notEqual(first.name, second.name, 'two tabs, two caches');
  await first.put('k', new Uint8Array([1, 2, 3]));
  await second.put('k', new Uint8Array([9]));
  assert.deepEqual([...await first.get('k')], [1, 2, 3], 'a second tab does not wipe or overwrite the first one');
  const names = await caches.keys();
  assert.ok(!names.includes('c2c-chunks-v1'), 'the old shared cache is gone');
  assert.ok(!names.includes('c2c-chunks-v1-1000-aa'), 'a page life older than a day is swept');
  assert.ok(names.some((n) => n.endsWith('-bb')), 'a recent page life of another tab is kept');
  assert.ok(names.includes('other-app'), 'other caches of the origin are left alone');
  await hide();
  assert.ok(!(await caches.keys()).includes(first.name), 'the own cache goes with the page');
});

test('cache storage refused (Firefox: private window, http origin): the chunks are kept in memory instead', async () => {
  const { CacheStorageBackend } = await import('../../main/resources/META-INF/resources/c2c/chunk-store.js');
  const insecure = () => Object.assign(new Error('The operation is insecure.'), { name: 'SecurityError' });
  const caches = {
    async keys() { throw insecure(); },
    async delete() { throw insecure(); },
    async open() { throw insecure(); },
  };
  let hide;
  const backend = CacheStorageBackend.forPageLife(caches, { now: 5, onPageHide: (drop) => { hide = drop; } });
  const store = new ChunkStore({ maxBytes: 1000, backend });
  const announced = [];
  store.onComplete = (hash) => announced.push(hash);
  assert.equal(await store.put(h('a'), 0, 2, bytes(100, 1)), true);
  assert.equal(await store.put(h('a'), 1, 2, bytes(50, 2)), true);
  assert.equal(backend.kind, 'memory');
  assert.deepEqual(announced, [h('a')], 'a whole file is still announced');
  assert.deepEqual([...await store.get(h('a'), 1)], [...bytes(50, 2)]);
  await store.evict(h('a'));
  assert.equal(await backend.get(`${h('a')}/0`), undefined);
  assert.equal(await hide(), false, 'leaving the page does not end in an unhandled rejection');
});
