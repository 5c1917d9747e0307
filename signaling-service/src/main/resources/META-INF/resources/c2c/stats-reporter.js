// Sends the agent's figures to signaling as `stats` reports (deltas since the previous report), from which
// the platform builds the site owner's figures (docs/browser.md, "Owner figures").

import { every, systemClock } from './clock.js';

/** The server takes one report per 10 s per connection; reporting every 30 s leaves room for clock drift. */
export const STATS_INTERVAL_MS = 30_000;
const REASON = /^[a-z0-9][a-z0-9-]{0,39}$/;
const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'];
const MAX_REASONS = 16;

/**
 * What changed between two agent snapshots, shaped as a `stats` message body (without `type`), or null when
 * nothing did. Counters only grow, so a negative difference (a restarted agent) counts from zero.
 */
export function statsDelta(previous, current) {
  const diff = (a, b) => Math.max(0, Math.floor((b ?? 0) - ((a ?? 0) > (b ?? 0) ? 0 : (a ?? 0))));
  const out = {
    peerBytes: diff(previous?.bytesFromPeers, current.bytesFromPeers),
    originBytes: diff(previous?.bytesFromOrigin, current.bytesFromOrigin),
    uploadedBytes: diff(previous?.upload?.bytesServed, current.upload?.bytesServed),
    connections: {},
    failures: {},
  };
  for (const type of CANDIDATE_TYPES) {
    const n = diff(previous?.connectionsByType?.[type], current.connectionsByType?.[type]);
    if (n > 0) out.connections[type] = n;
  }
  const reasons = Object.entries(current.failures ?? {})
    .filter(([reason]) => REASON.test(reason))
    .map(([reason, count]) => [reason, diff(previous?.failures?.[reason], count)])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_REASONS);
  for (const [reason, n] of reasons) out.failures[reason] = n;
  const empty = !out.peerBytes && !out.originBytes && !out.uploadedBytes
    && !Object.keys(out.connections).length && !Object.keys(out.failures).length;
  return empty ? null : out;
}

/** Reports `snapshot()` through `send(message)` (false when the socket is not open) every `intervalMs`. */
export class StatsReporter {
  constructor({ snapshot, send, clock = systemClock, intervalMs = STATS_INTERVAL_MS }) {
    this.snapshot = snapshot;
    this.send = send;
    this.clock = clock;
    this.intervalMs = intervalMs;
    this.reported = null;
  }

  start() {
    this.stop();
    this.stopTimer = every(this.clock, this.intervalMs, () => this.report());
    return this;
  }

  stop() {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  /** Sends what changed since the last report that went out; a report that could not be sent is kept for the next. */
  report() {
    const now = structuredClone(this.snapshot());
    const delta = statsDelta(this.reported, now);
    if (delta && this.send({ type: 'stats', ...delta }) !== false) this.reported = now;
  }
}
