import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatsReporter, statsDelta } from '../../main/resources/META-INF/resources/c2c/stats-reporter.js';
import { FakeClock } from './support.js';

const snap = (over = {}) => ({
  bytesFromPeers: 0, bytesFromOrigin: 0, upload: { bytesServed: 0 },
  connectionsByType: { host: 0, srflx: 0, prflx: 0, relay: 0 }, failures: {}, ...over,
});

test('stats delta: only what grew since the previous snapshot, shaped for the server', () => {
  assert.equal(statsDelta(null, snap()), null, 'nothing happened: nothing to send');
  const first = snap({ bytesFromPeers: 1000, bytesFromOrigin: 10, upload: { bytesServed: 7 }, connectionsByType: { host: 1, relay: 0 },
    failures: { 'bad-chunk': 2 } });
  assert.deepEqual(statsDelta(null, first), { peerBytes: 1000, originBytes: 10, uploadedBytes: 7, connections: { host: 1 },
    failures: { 'bad-chunk': 2 } });
  const second = snap({ bytesFromPeers: 1500, bytesFromOrigin: 10, upload: { bytesServed: 7 }, connectionsByType: { host: 1, relay: 2 },
    failures: { 'bad-chunk': 2, 'peer-timeout': 1 } });
  assert.deepEqual(statsDelta(first, second), { peerBytes: 500, originBytes: 0, uploadedBytes: 0, connections: { relay: 2 },
    failures: { 'peer-timeout': 1 } });
  assert.deepEqual(statsDelta(second, snap({ bytesFromPeers: 20 })).peerBytes, 20, 'a restarted agent counts from zero');
});

test('stats delta: reasons the server would refuse are left out, at most 16 reasons, the largest first', () => {
  const failures = { 'Bad Reason': 5, ['x'.repeat(41)]: 5 };
  for (let i = 0; i < 20; i++) failures[`r-${i}`] = i + 1;
  const delta = statsDelta(null, snap({ failures }));
  assert.equal(Object.keys(delta.failures).length, 16);
  assert.ok(!('Bad Reason' in delta.failures));
  assert.equal(delta.failures['r-19'], 20);
  assert.ok(!('r-0' in delta.failures), 'the smallest are dropped');
});

test('reporter: sends on its interval, keeps an unsent report for the next tick, stops', async () => {
  const clock = new FakeClock();
  let current = snap();
  const sent = [];
  let open = true;
  const reporter = new StatsReporter({ snapshot: () => current, send: (m) => (open ? sent.push(m) : false), clock, intervalMs: 1000 }).start();
  await clock.advance(1000);
  assert.equal(sent.length, 0, 'nothing to report');
  current = snap({ bytesFromPeers: 100 });
  open = false;
  await clock.advance(1000);
  assert.equal(sent.length, 0, 'socket closed: not sent');
  open = true;
  current = snap({ bytesFromPeers: 150 });
  await clock.advance(1000);
  assert.deepEqual(sent.map((m) => [m.type, m.peerBytes]), [['stats', 150]], 'the unsent bytes are in the next report');
  reporter.stop();
  current = snap({ bytesFromPeers: 999 });
  await clock.advance(5000);
  assert.equal(sent.length, 1, 'stopped');
});
