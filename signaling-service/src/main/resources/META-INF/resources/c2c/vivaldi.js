// Vivaldi network coordinates (Dabek et al., SIGCOMM 2004; height vectors as in Serf): the distance between two
// visitors' points plus both heights estimates their round trip in ms. Model and error: docs/discovery.md.

/** Dimensions kept (discovery's `vivaldi-dimensions`; signaling accepts at most 8). */
export const DIMENSIONS = 8;
/** A new coordinate knows nothing: Serf's largest error. */
export const MAX_ERROR = 1.5;
/** Bound in ms of a component, a height or an RTT sample, as signaling enforces. */
export const MAX_MILLIS = 100_000;
const GAIN = 0.25; // Serf's c_c and c_e
const MIN_HEIGHT = 0.01; // keeps two hosts on one machine apart

const finite = (x, lo, hi) => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi;
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

/** Another peer's coordinate (network input) padded to DIMENSIONS, or null when malformed. */
export function parseCoordinate(c) {
  if (!Array.isArray(c?.vector) || c.vector.length < 1 || c.vector.length > DIMENSIONS) return null;
  if (!c.vector.every((x) => finite(x, -MAX_MILLIS, MAX_MILLIS)) || !finite(c.height, 0, MAX_MILLIS) || !finite(c.error, 0, MAX_ERROR)) return null;
  return { vector: [...c.vector, ...new Array(DIMENSIONS - c.vector.length).fill(0)], height: c.height, error: c.error };
}

/** Estimated round trip in ms between two coordinates. */
export function estimateRtt(a, b) {
  return Math.hypot(...a.vector.map((x, i) => x - (b.vector[i] ?? 0))) + a.height + b.height;
}

export class VivaldiCoordinate {
  /** @param {() => number} [random] direction when two points coincide */
  constructor(random = Math.random) {
    this.random = random;
    this.vector = new Array(DIMENSIONS).fill(0);
    this.height = MIN_HEIGHT;
    this.error = MAX_ERROR;
    this.samples = 0;
  }

  /** One RTT sample to a peer at `remote`; malformed input changes nothing. @returns {boolean} whether it was used */
  update(rttMs, remote) {
    const other = parseCoordinate(remote);
    if (!other || !finite(rttMs, 0, MAX_MILLIS) || rttMs <= 0) return false;
    const estimate = estimateRtt(this, other);
    const weight = this.error / (this.error + other.error || 1);
    this.error = Math.min(MAX_ERROR, (Math.abs(estimate - rttMs) / rttMs) * GAIN * weight + this.error * (1 - GAIN * weight));
    const delta = GAIN * weight * (rttMs - estimate);
    let diff = this.vector.map((x, i) => x - other.vector[i]);
    let length = Math.hypot(...diff);
    if (length < 1e-9) {
      diff = diff.map(() => this.random() - 0.5);
      length = Math.hypot(...diff) || 1;
    }
    // move along the unit vector from the other point, heights included
    this.vector = this.vector.map((x, i) => clamp(x + (delta * diff[i]) / length, -MAX_MILLIS, MAX_MILLIS));
    this.height = clamp(this.height + (delta * (this.height + other.height)) / (length + this.height + other.height), MIN_HEIGHT, MAX_MILLIS);
    this.samples++;
    return true;
  }

  /** As `status` and offers carry it, rounded to µs. */
  toJSON() {
    const r = (x) => Math.round(x * 1000) / 1000;
    return { vector: this.vector.map(r), height: r(this.height), error: r(this.error) };
  }
}
