// Signaling benchmark: c2c signaling-service (two pods sharing one Redis: same-pod and cross-pod)
// side by side with the PeerJS server (npm `peer`), in one run, same load generator.
// Usage (from the repository root, after ./mvnw -B package -pl signaling-service -am -DskipTests):
//   node bench/signaling/bench.mjs [--pairs 200] [--window 8] [--seconds 10] [--warmup 20] [--hold 5000] [--rate N]
// --rate N switches to an open loop: N signals/s in total, spread evenly over the pairs and both directions,
// sent on a 1 ms clock (paced by elapsed time) whatever the deliveries do, so latency is measured at that load, not at saturation.
// Everything listens on 127.0.0.1; all processes are started here and stopped at the end.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith('--') ? [...acc, [v.slice(2), a[i + 1]]] : acc), []));
const PAIRS = Number(args.pairs ?? 200);
const WINDOW = Number(args.window ?? 8);
const SECONDS = Number(args.seconds ?? 10);
// --hold takes one count or a comma-separated list (e.g. 10000,50000); --skip-relay measures only held connections.
const HOLDS = String(args.hold ?? 5000).split(',').map(Number).filter(n => n > 0);
const HOLD = HOLDS[0];
const SKIP_RELAY = 'skip-relay' in args;
// --scenarios same,cross,peerjs (default all three): which relay scenarios to run, e.g. to profile one of them
const SCENARIOS = new Set(String(args.scenarios ?? 'same,cross,peerjs').split(','));
const WARMUP = Number(args.warmup ?? 20); // seconds; below ~20 the JIT still compiles in the measured window
const RATE = Number(args.rate ?? 0);
const ORIGIN = 'http://bench.local';
const children = [];
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c2c-bench-'));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

function start(name, cmd, argv) {
  const log = fs.openSync(path.join(workDir, `${name}.log`), 'a');
  const child = spawn(cmd, argv, { stdio: ['ignore', log, log] });
  children.push(child);
  return child;
}

async function waitFor(check, what, timeoutMs = 90000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try { if (await check()) return; } catch { /* not yet */ }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready; logs in ${workDir}`);
}

function rssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

/** Commands Redis has run so far (INFO commandstats), to show how many calls a message costs. */
function redisCalls(port) {
  const info = execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'INFO', 'commandstats'], { encoding: 'utf8' });
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

function cpuTicks(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function startC2c(redisPort) {
  // SIGNALING_JAR: another build of the service (e.g. a copy of the previous one's quarkus-app) to compare
  const jar = process.env.SIGNALING_JAR ?? path.join(root, 'signaling-service', 'target', 'quarkus-app', 'quarkus-run.jar');
  if (!fs.existsSync(jar)) throw new Error(`${jar} missing: ./mvnw -B package -pl signaling-service -am -DskipTests`);
  const pods = [];
  for (const name of ['bench-a', 'bench-b']) {
    const port = await freePort();
    const child = start(name, 'java', ['-Xms256m', '-Xmx512m', '-XX:+UseParallelGC',
      '-Dquarkus.http.host=127.0.0.1', `-Dquarkus.http.port=${port}`, `-Dc2c.signaling.pod-id=${name}`,
      `-Dquarkus.redis.hosts=redis://127.0.0.1:${redisPort}`,
      // no Kafka in this benchmark: peer events are dropped and counted, and the site registry view never loads
      // (the pod stays not-ready, so the wait below is on liveness); the bench site comes from configuration
      `-Dkafka.bootstrap.servers=127.0.0.1:${await freePort()}`, '-Dquarkus.log.category."org.apache.kafka".level=ERROR',
      '-Dc2c.signaling.sites.bench.domains=bench.local',
      // the per-connection abuse limits would cap a benchmark pair at 50 msg/s
      '-Dc2c.signaling.rate-limit-per-second=1000000', '-Dc2c.signaling.rate-limit-burst=1000000',
      '-Dquarkus.redis.max-pool-size=32', '-Dquarkus.redis.max-pool-waiting=100000',
      '-jar', jar]);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/q/health/live`)).status === 200, name);
    pods.push({ name, port, pid: child.pid });
  }
  return pods;
}

async function startPeerjs() {
  const port = await freePort();
  const child = start('peerjs', process.execPath, [path.join(here, 'node_modules', 'peer', 'dist', 'bin', 'peerjs.js'),
    '--port', String(port), '--host', '127.0.0.1', '--concurrent_limit', String(Math.max(...HOLDS) + PAIRS * 2 + 100)]);
  await waitFor(() => new Promise(resolve => {
    const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
    s.on('error', () => resolve(false));
  }), 'peerjs');
  return { name: 'peerjs', port, pid: child.pid };
}

// --- clients -----------------------------------------------------------------------------
const KINDS = ['offer', 'answer', 'candidate'];

function c2cClient(port) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/_c2c/signal`, 'c2c.v1', { headers: { Origin: ORIGIN }, perMessageDeflate: false, localAddress: nextLocalAddress() });
    const client = { ws, id: null, onSignal: null };
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', site: 'bench' })));
    ws.on('message', data => {
      const m = JSON.parse(data);
      if (m.type === 'welcome') { client.id = m.peerId; resolve(client); }
      else if (m.type === 'signal') client.onSignal?.(m.from, m.payload);
    });
    client.send = (to, kind, payload) => ws.send(JSON.stringify({ type: 'signal', to, kind, payload }));
  });
}

// One source address has ~28k ephemeral ports; spreading clients over 127.0.0.1-4 allows 100k+ held connections.
let localSeq = 0;
function nextLocalAddress() {
  return `127.0.0.${1 + (localSeq++ % 4)}`;
}

let peerjsSeq = 0;
function peerjsClient(port) {
  return new Promise((resolve, reject) => {
    const id = `p${process.pid}x${peerjsSeq++}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=t${id}`, { perMessageDeflate: false, localAddress: nextLocalAddress() });
    const client = { ws, id, onSignal: null };
    ws.on('error', reject);
    ws.on('message', data => {
      const m = JSON.parse(data);
      if (m.type === 'OPEN') resolve(client);
      else if (m.type === 'OFFER' || m.type === 'ANSWER' || m.type === 'CANDIDATE') client.onSignal?.(m.src, m.payload);
    });
    client.send = (to, kind, payload) => ws.send(JSON.stringify({ type: kind.toUpperCase(), dst: to, payload }));
  });
}

async function openMany(factory, count, concurrency = 200) {
  const out = [];
  for (let i = 0; i < count; i += concurrency) {
    out.push(...await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, () => factory())));
  }
  return out;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}

/** Closed loop: every pair keeps WINDOW signals in flight each way; each delivery triggers the next. */
async function relay(label, factoryA, factoryB, serverPids, redisPort = 0) {
  const a = await openMany(factoryA, PAIRS);
  const b = await openMany(factoryB, PAIRS);
  let measuring = false;
  let running = true;
  let delivered = 0;
  const latencies = [];
  const wire = (from, to) => {
    let n = 0;
    to.onSignal = (src, payload) => {
      if (measuring) {
        delivered++;
        if (latencies.length < 2_000_000) latencies.push(performance.now() - payload.t);
      }
      if (running) to.send(from.id, KINDS[n++ % 3], { t: performance.now(), sdp: 'x'.repeat(200) });
    };
  };
  let clock = null;
  if (RATE > 0) {
    // Open loop: deliveries only record; a 10 ms clock sends each connection's share (fractions carried over).
    for (const c of [...a, ...b]) {
      c.onSignal = (src, payload) => {
        if (measuring) {
          delivered++;
          if (latencies.length < 2_000_000) latencies.push(performance.now() - payload.t);
        }
      };
    }
    // Paced by elapsed time on a 1 ms clock (a late tick catches up), one round = one signal each way per pair,
    // so bursts stay small and the latency measured is the servers', not the generator's.
    const roundsPerMs = RATE / (2 * PAIRS) / 1000;
    const start = performance.now();
    let n = 0;
    clock = setInterval(() => {
      const due = Math.floor((performance.now() - start) * roundsPerMs);
      for (; n < due; n++) {
        for (let i = 0; i < PAIRS; i++) {
          a[i].send(b[i].id, KINDS[n % 3], { t: performance.now(), sdp: 'x'.repeat(200) });
          b[i].send(a[i].id, KINDS[n % 3], { t: performance.now(), sdp: 'x'.repeat(200) });
        }
      }
    }, 1);
  } else {
    for (let i = 0; i < PAIRS; i++) { wire(a[i], b[i]); wire(b[i], a[i]); }
    for (let i = 0; i < PAIRS; i++) {
      for (let w = 0; w < WINDOW; w++) {
        a[i].send(b[i].id, 'offer', { t: performance.now(), sdp: 'x'.repeat(200) });
        b[i].send(a[i].id, 'answer', { t: performance.now(), sdp: 'x'.repeat(200) });
      }
    }
  }
  await new Promise(r => setTimeout(r, WARMUP * 1000)); // warm-up (the JVM's JIT needs a few seconds)
  const cpu0 = serverPids.map(cpuTicks);
  const calls0 = redisPort ? redisCalls(redisPort) : 0;
  measuring = true;
  const t0 = performance.now();
  await new Promise(r => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = serverPids.map((pid, i) => (cpuTicks(pid) - cpu0[i]) / 100);
  const calls = redisPort ? redisCalls(redisPort) - calls0 : 0;
  running = false;
  if (clock) clearInterval(clock);
  await new Promise(r => setTimeout(r, 500));
  [...a, ...b].forEach(c => c.ws.terminate());
  latencies.sort((x, y) => x - y);
  return {
    label, pairs: PAIRS, window: RATE > 0 ? `open ${RATE}/s` : WINDOW, msgPerSec: Math.round(delivered / elapsed),
    p50ms: +percentile(latencies, 0.5).toFixed(3), p99ms: +percentile(latencies, 0.99).toFixed(3),
    p999ms: +percentile(latencies, 0.999).toFixed(3), serverCpuSeconds: cpu.map(c => +c.toFixed(1)).join('+'),
    // every server process of the scenario (c2c: its pods and Redis), per delivered message
    cpuMicrosPerMsg: +(cpu.reduce((x, y) => x + y, 0) * 1e6 / Math.max(1, delivered)).toFixed(1),
    redisCallsPerMsg: redisPort ? +(calls / Math.max(1, delivered)).toFixed(3) : '-',
  };
}

async function hold(label, factory, pid, HOLD) {
  if (global.gc) global.gc();
  const before = rssKiB(pid);
  const t0 = performance.now();
  const clients = await openMany(factory, HOLD);
  const openSeconds = (performance.now() - t0) / 1000;
  await new Promise(r => setTimeout(r, 3000));
  const after = rssKiB(pid);
  clients.forEach(c => c.ws.terminate());
  return { label, connections: HOLD, openSeconds: +openSeconds.toFixed(1), rssBeforeMiB: +(before / 1024).toFixed(0),
    rssAfterMiB: +(after / 1024).toFixed(0), kibPerConnection: +((after - before) / HOLD).toFixed(1) };
}

async function main() {
  const redisPort = await freePort();
  const redis = start('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await waitFor(() => new Promise(resolve => {
    const s = net.connect(redisPort, '127.0.0.1', () => { s.end(); resolve(true); });
    s.on('error', () => resolve(false));
  }), 'redis');
  const [podA, podB] = await startC2c(redisPort);
  const peerjs = await startPeerjs();
  console.error(`servers up (logs in ${workDir}); ${PAIRS} pairs x window ${WINDOW}, ${SECONDS} s per scenario`);

  const results = [];
  if (!SKIP_RELAY) {
    if (SCENARIOS.has('same')) results.push(await relay('c2c same pod', () => c2cClient(podA.port), () => c2cClient(podA.port), [podA.pid, redis.pid], redisPort));
    if (SCENARIOS.has('cross')) results.push(await relay('c2c cross pod', () => c2cClient(podA.port), () => c2cClient(podB.port), [podA.pid, podB.pid, redis.pid], redisPort));
    if (SCENARIOS.has('peerjs')) results.push(await relay('peerjs (one process)', () => peerjsClient(peerjs.port), () => peerjsClient(peerjs.port), [peerjs.pid]));
  }
  const holds = [];
  for (const count of HOLDS) {
    holds.push(await hold('c2c pod', () => c2cClient(podA.port), podA.pid, count));
    holds.push(await hold('peerjs', () => peerjsClient(peerjs.port), peerjs.pid, count));
  }

  if (results.length) {
    console.table(results);
    const same = results.find(r => r.label === 'c2c same pod');
    const peerjsResult = results.find(r => r.label.startsWith('peerjs'));
    if (same && peerjsResult) console.log(`ratio c2c same-pod / peerjs msg/s: ${(same.msgPerSec / peerjsResult.msgPerSec).toFixed(2)}`);
  }
  console.table(holds);
  const out = path.join(root, 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `signaling-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, PAIRS, WINDOW, RATE, SECONDS, HOLDS, results, holds }, null, 2));
  console.log(`written ${file}`);
}

function stopAll() {
  for (const c of children) { try { c.kill('SIGTERM'); } catch { /* gone */ } }
}
process.on('exit', stopAll);
process.on('SIGINT', () => { stopAll(); process.exit(130); });
main().then(() => { stopAll(); process.exit(0); }, e => { console.error(e); stopAll(); process.exit(1); });
