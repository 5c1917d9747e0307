import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartBars, formatBytes } from '../../main/resources/META-INF/resources/c2c/owner/status.js';

test('owner status: bytes read like people write them', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(42_000_000), '42 MB');
});

test('owner status: stacked bars scale to the busiest minute, peers on top of origin', () => {
  const bars = chartBars([{ peerBytes: 300, originBytes: 100 }, { peerBytes: 0, originBytes: 0 }, { peerBytes: 100, originBytes: 100 }], 300, 200);
  assert.deepEqual(bars.map((b) => [b.kind, b.x, b.y, b.height]), [
    ['origin', 0, 150, 50], ['peers', 0, 0, 150], ['origin', 200, 150, 50], ['peers', 200, 100, 50],
  ]);
  assert.deepEqual(chartBars([], 300, 200), []);
});
