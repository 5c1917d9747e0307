import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { originProxy } from '../../main/resources/META-INF/resources/c2c/agent.js';
import { fetchFile } from '../../main/resources/META-INF/resources/c2c/scheduler.js';
import { FetchError } from '../../main/resources/META-INF/resources/c2c/errors.js';
import { makeFile } from './support.js';

// A real HTTP server on loopback standing in for the platform's origin proxy (/_c2c/origin/<path>).
const { file, bytes } = makeFile(50 * 1024, 8 * 1024, 21);
let server;
let base;
const seen = [];

before(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url, range: req.headers.range });
    if (req.url === '/ranges/_c2c/origin/f.bin' || req.url === '/norange/_c2c/origin/f.bin') {
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (m && req.url.startsWith('/ranges')) {
        const [start, end] = [Number(m[1]), Number(m[2]) + 1];
        res.writeHead(206, { 'content-range': `bytes ${start}-${end - 1}/${bytes.length}` });
        res.end(Buffer.from(bytes.subarray(start, end)));
      } else {
        res.writeHead(200);
        res.end(Buffer.from(bytes));
      }
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

test('origin proxy source: whole file without Range, a part with Range (206), a part from an origin that ignores Range (200)', async () => {
  const ranges = originProxy(`${base}/ranges/_c2c/origin`);
  assert.deepEqual(await ranges.fetchRange(file, 0, bytes.length), bytes);
  assert.equal(seen.at(-1).range, undefined);
  assert.deepEqual(await ranges.fetchRange(file, 8192, 24576), bytes.subarray(8192, 24576));
  assert.equal(seen.at(-1).range, 'bytes=8192-24575');
  const ignoring = originProxy(`${base}/norange/_c2c/origin`);
  assert.deepEqual(await ignoring.fetchRange(file, 8192, 24576), bytes.subarray(8192, 24576));
  await assert.rejects(originProxy(`${base}/missing`).fetchRange(file, 0, 10), /404/);
});

test('the scheduler completes a file from the real HTTP origin when there are no peers, and fails typed on 404', async () => {
  const { bytes: got, stats } = await fetchFile({ file, peers: [], origin: originProxy(`${base}/ranges/_c2c/origin`) });
  assert.deepEqual(got, bytes);
  assert.equal(stats.bytesFromOrigin, bytes.length);
  await assert.rejects(fetchFile({ file, peers: [], origin: originProxy(`${base}/missing`) }), (e) => e instanceof FetchError && e.code === 'origin-failed');
});
