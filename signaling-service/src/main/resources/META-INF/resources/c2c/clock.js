// The clock the agent's pure logic runs on; tests inject a fake one to drive timeouts without waiting.

/**
 * @typedef {Object} Clock
 * @property {() => number} now milliseconds
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: unknown) => void} clearTimeout
 */

/** @type {Clock} */
export const systemClock = Object.freeze({
  now: () => (globalThis.performance ? performance.now() : Date.now()),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
});

/**
 * Runs `fn` every `ms` on `clock` until the returned function is called. Under Node (tests, tools) a pending run
 * does not keep the process alive; browsers have no unref.
 * @returns {() => void} stop
 */
export function every(clock, ms, fn) {
  let timer;
  const schedule = () => {
    timer = clock.setTimeout(() => {
      schedule();
      fn();
    }, ms);
    timer?.unref?.();
  };
  schedule();
  return () => clock.clearTimeout(timer);
}
