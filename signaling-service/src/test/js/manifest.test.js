import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IntegrityError, ManifestError, chunkLength, parseManifest, sha256Hex, verifyChunk, verifyFile,
} from '../../main/resources/META-INF/resources/c2c/manifest.js';
import { manifestJson, randomBytes, sha256 } from './support.js';

test('sha256Hex uses Web Crypto and matches the FIPS 180-2 vector for "abc"', async () => {
  assert.equal(typeof globalThis.crypto?.subtle?.digest, 'function');
  assert.equal(await sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('a manifest is parsed with its own chunk size, never an assumed one', () => {
  const bytes = randomBytes(1000, 3);
  for (const chunkSize of [100, 256, 1000, 4096]) {
    const m = parseManifest(JSON.stringify(manifestJson([{ path: '/a.js', bytes, contentType: 'text/javascript' }], chunkSize)));
    const f = m.byPath.get('/a.js');
    assert.equal(m.chunkSize, chunkSize);
    assert.equal(f.chunkSize, chunkSize);
    assert.equal(f.chunks.length, Math.ceil(1000 / chunkSize));
    assert.equal(chunkLength(f, f.chunks.length - 1), 1000 - (f.chunks.length - 1) * chunkSize);
    assert.equal(m.byHash.get(sha256(bytes)), f);
    assert.equal(f.contentType, 'text/javascript');
  }
});

test('an empty file has no chunks and a missing content type becomes application/octet-stream', () => {
  const json = manifestJson([{ path: '/empty', bytes: new Uint8Array(0) }], 64);
  delete json.files[0].contentType;
  const f = parseManifest(json).files[0];
  assert.deepEqual(f.chunks, []);
  assert.equal(f.contentType, 'application/octet-stream');
});

test('invalid manifests are refused, naming the field', () => {
  const good = () => manifestJson([{ path: '/a', bytes: randomBytes(300) }, { path: '/b', bytes: randomBytes(10) }], 128);
  const cases = [
    ['json', () => 'not json'],
    ['json', () => '[1]'],
    ['json', () => null],
    ['schemaVersion', () => ({ ...good(), schemaVersion: 2 })],
    ['manifestId', () => ({ ...good(), manifestId: 'x' })],
    ['siteId', () => ({ ...good(), siteId: '' })],
    ['chunkSize', () => ({ ...good(), chunkSize: 0 })],
    ['chunkSize', () => ({ ...good(), chunkSize: 1.5 })],
    ['chunkSize', () => ({ ...good(), chunkSize: 8 * 1024 * 1024 })],
    ['files', () => ({ ...good(), files: {} })],
    ['files[0]', () => { const m = good(); m.files[0] = null; return m; }],
    ['files[0].path', () => { const m = good(); m.files[0].path = 'a'; return m; }],
    ['files[0].path', () => { const m = good(); m.files[0].path = '/a?x=1'; return m; }],
    ['files[0].path', () => { const m = good(); m.files[0].path = '/' + 'a'.repeat(1024); return m; }],
    ['files[1].path', () => { const m = good(); m.files[1].path = '/a'; return m; }],
    ['files[0].size', () => { const m = good(); m.files[0].size = -1; return m; }],
    ['files[0].size', () => { const m = good(); m.files[0].size = '300'; return m; }],
    ['files[0].sha256', () => { const m = good(); m.files[0].sha256 = m.files[0].sha256.toUpperCase(); return m; }],
    ['files[0].chunks', () => { const m = good(); m.files[0].chunks.pop(); return m; }],
    ['files[0].chunks', () => { const m = good(); m.files[0].size = 1000; return m; }],
    ['files[0].chunks[1]', () => { const m = good(); m.files[0].chunks[1] = 'zz'; return m; }],
  ];
  for (const [field, make] of cases) {
    assert.throws(() => parseManifest(make()), (e) => e instanceof ManifestError && e.field === field, field);
  }
});

test('verifyChunk accepts the exact bytes and rejects a wrong length or a flipped bit', async () => {
  const bytes = randomBytes(1000, 9);
  const f = parseManifest(manifestJson([{ path: '/x', bytes }], 256)).files[0];
  await verifyChunk(f, 0, bytes.slice(0, 256));
  await verifyChunk(f, 3, bytes.slice(768));
  await assert.rejects(verifyChunk(f, 3, bytes.slice(767)), (e) => e instanceof IntegrityError && e.code === 'chunk-length');
  const flipped = bytes.slice(256, 512);
  flipped[100] ^= 1;
  await assert.rejects(verifyChunk(f, 1, flipped), (e) => e instanceof IntegrityError && e.code === 'chunk-hash');
  await assert.rejects(verifyChunk(f, 0, bytes.slice(256, 512)), (e) => e instanceof IntegrityError && e.code === 'chunk-hash');
  await assert.rejects(verifyChunk(f, 4, new Uint8Array(1)), RangeError);
  await verifyFile(f, bytes);
  const other = bytes.slice();
  other[0] ^= 1;
  await assert.rejects(verifyFile(f, other), (e) => e instanceof IntegrityError && e.code === 'file-hash');
});
