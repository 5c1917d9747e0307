import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIMENSIONS, MAX_ERROR, VivaldiCoordinate, estimateRtt, parseCoordinate } from '../../main/resources/META-INF/resources/c2c/vivaldi.js';

/** A seeded generator, so a failure repeats. */
function seeded(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('coordinates from the network: well-formed ones are padded to 8 dimensions, anything else is refused', () => {
  assert.deepEqual(parseCoordinate({ vector: [1, 2], height: 0.5, error: 0.2 }).vector, [1, 2, 0, 0, 0, 0, 0, 0]);
  for (const bad of [null, 'x', {}, { vector: [], height: 0, error: 0 }, { vector: new Array(9).fill(0), height: 0, error: 0 },
    { vector: ['1'], height: 0, error: 0 }, { vector: [NaN], height: 0, error: 0 }, { vector: [1e6], height: 0, error: 0 },
    { vector: [1], height: -1, error: 0 }, { vector: [1], height: 0, error: 2 }, { vector: [1], height: 0 }]) {
    assert.equal(parseCoordinate(bad), null, JSON.stringify(bad));
  }
});

test('a bad sample or a bad remote coordinate changes nothing', () => {
  const c = new VivaldiCoordinate(seeded(1));
  const before = JSON.stringify(c.toJSON());
  const remote = { vector: [10], height: 1, error: 0.5 };
  for (const [rtt, r] of [[0, remote], [-5, remote], [NaN, remote], [Infinity, remote], [2e5, remote], [20, null], [20, { vector: 'x' }]]) {
    assert.equal(c.update(rtt, r), false);
  }
  assert.equal(JSON.stringify(c.toJSON()), before);
  assert.equal(c.error, MAX_ERROR);
});

test('two peers converge to their measured round trip', () => {
  const a = new VivaldiCoordinate(seeded(2));
  const b = new VivaldiCoordinate(seeded(3));
  for (let i = 0; i < 60; i++) {
    a.update(40, b.toJSON());
    b.update(40, a.toJSON());
  }
  assert.ok(Math.abs(estimateRtt(a, b) - 40) < 2, `estimate ${estimateRtt(a, b)}`);
  assert.ok(a.error < 0.1, `error ${a.error}`);
});

test('a small synthetic topology: estimates land near the real round trips and the reported fields stay in bounds', () => {
  const random = seeded(7);
  // hosts on a plane (ms) with access links; the real RTT is their distance plus both access delays
  const hosts = Array.from({ length: 24 }, () => ({ x: random() * 120, y: random() * 60, access: 1 + random() * 8 }));
  const rtt = (i, j) => Math.hypot(hosts[i].x - hosts[j].x, hosts[i].y - hosts[j].y) + hosts[i].access + hosts[j].access;
  const coords = hosts.map(() => new VivaldiCoordinate(random));
  for (let round = 0; round < 80; round++) {
    for (let i = 0; i < hosts.length; i++) {
      const j = (i + 1 + Math.floor(random() * (hosts.length - 1))) % hosts.length;
      coords[i].update(rtt(i, j) * (0.95 + random() * 0.1), coords[j].toJSON());
    }
  }
  const errors = [];
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) errors.push(Math.abs(estimateRtt(coords[i], coords[j]) - rtt(i, j)) / rtt(i, j));
  }
  errors.sort((x, y) => x - y);
  const median = errors[Math.floor(errors.length / 2)];
  assert.ok(median < 0.15, `median relative error ${median}`);
  for (const c of coords) {
    const json = c.toJSON();
    assert.equal(json.vector.length, DIMENSIONS);
    assert.ok(parseCoordinate(json), 'what a peer reports is what signaling and other peers accept');
  }
});
