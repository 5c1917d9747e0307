// Signaling benchmark: c2c signaling-service (two pods sharing one Redis: same-pod and cross-pod)
// side by side with the PeerJS server (npm `peer`), in one run, same load generator (loadgen.c, compiled here with gcc).
// Usage (from the repository root, after ./mvnw -B package -pl signaling-service -am -DskipTests):
//   node bench/signaling/bench.mjs [--pairs 200] [--window 8] [--seconds 10] [--warmup 20] [--hold 5000] [--rate N]
// --rate N switches to an open loop: N signals/s in total, senders taken in turn, paced by elapsed time on a 250 µs
// timer whatever the deliveries do, so latency is measured at that load, not at saturation.
// Everything listens on 127.0.0.1; all processes are started here and stopped at the end.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openLeanWebSocket } from './lean-ws.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith('--') ? [...acc, [v.slice(2), a[i + 1]]] : acc), []));
const PAIRS = Number(args.pairs ?? 200);
const WINDOW = Number(args.window ?? 8);
const SECONDS = Number(args.seconds ?? 10);
// --hold takes one count or a comma-separated list (e.g. 10000,50000); --skip-relay measures only held connections.
const HOLDS = String(args.hold ?? 5000).split(',').map(Number).filter(n => n > 0);
const SKIP_RELAY = 'skip-relay' in args;
// --scenarios same,cross,peerjs (default all three): which relay scenarios to run, e.g. to profile one of them
const SCENARIOS = new Set(String(args.scenarios ?? 'same,cross,peerjs').split(','));
const WARMUP = Number(args.warmup ?? 20); // seconds; below ~20 the JIT still compiles in the measured window
const RATE = Number(args.rate ?? 0);
// --server-cpus 1 --load-cpus 0: pin the servers (pods, Redis, PeerJS) and this load generator to disjoint CPU sets
// (taskset lists), so the generator's own CPU does not queue behind the servers' threads and the servers get a
// known share of the machine. Unset: everything shares every CPU, as before.
const SERVER_CPUS = args['server-cpus'];
const LOAD_CPUS = args['load-cpus'];
// SIGNALING_JVM_OPTIONS: the pods' heap, collector and event loops (space-separated), e.g. to compare collectors.
// Two event loops per pod, as the Kubernetes manifests set (Vert.x would start 4 on 2 cores): as fast in the closed
// loop, and 4 fell seconds behind in the open loop at 40,000 signals/s where 2 kept up (docs/benchmarks.md).
const JVM_OPTIONS = (process.env.SIGNALING_JVM_OPTIONS ?? '-Xms256m -Xmx512m -XX:+UseParallelGC -Dquarkus.vertx.event-loops-pool-size=2')
  .split(/\s+/).filter(Boolean);
const ORIGIN = 'http://bench.local';
const children = [];
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c2c-bench-'));
const loadgenBinary = path.join(workDir, 'loadgen');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

function start(name, cmd, argv) {
  const log = fs.openSync(path.join(workDir, `${name}.log`), 'a');
  const child = SERVER_CPUS
    ? spawn('taskset', ['-c', SERVER_CPUS, cmd, ...argv], { stdio: ['ignore', log, log] })
    : spawn(cmd, argv, { stdio: ['ignore', log, log] });
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
    const child = start(name, 'java', [...JVM_OPTIONS,
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

// --- held connections (the relay scenarios use loadgen.c) -----------------------------------
function c2cClient(port) {
  return new Promise((resolve, reject) => {
    openLeanWebSocket({
      host: '127.0.0.1', port, path: '/_c2c/signal', protocol: 'c2c.v1', origin: ORIGIN, localAddress: nextLocalAddress(),
      onText: (frame, ws) => { if (JSON.parse(frame).type === 'welcome') resolve(ws); },
      onClose: () => reject(new Error('c2c closed the connection before welcome')),
    }).then(ws => ws.send('{"type":"hello","site":"bench"}'), reject);
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
    openLeanWebSocket({
      host: '127.0.0.1', port, path: `/peerjs?key=peerjs&id=${id}&token=t${id}`, localAddress: nextLocalAddress(),
      onText: (frame, ws) => { if (JSON.parse(frame).type === 'OPEN') resolve(ws); },
      onClose: () => reject(new Error('PeerJS closed the connection before OPEN')),
    }).catch(reject);
  });
}

async function openMany(factory, count, concurrency = 200) {
  const out = [];
  for (let i = 0; i < count; i += concurrency) {
    out.push(...await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, () => factory())));
  }
  return out;
}

/**
 * Runs the C load generator (loadgen.c, compiled at start-up) against one server: PAIRS client pairs, pair k's first
 * connection on portA and its second on portB. Closed loop (each pair keeps WINDOW signals in flight each way, a
 * delivery triggers the next) or, with --rate, open loop. The servers' CPU and Redis calls are read when the
 * generator says its measured window starts and ends.
 */
async function relay(label, server, portA, portB, serverPids, redisPort = 0) {
  const argv = ['--server', server, '--port-a', String(portA), '--port-b', String(portB), '--pairs', String(PAIRS),
    '--warmup', String(WARMUP), '--seconds', String(SECONDS), ...(RATE > 0 ? ['--rate', String(RATE)] : ['--window', String(WINDOW)])];
  const child = spawn(loadgenBinary, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let cpu0, calls0, cpu, calls, measured;
  const lines = readline.createInterface({ input: child.stdout });
  lines.on('line', line => {
    if (line === 'measure') { cpu0 = serverPids.map(cpuTicks); calls0 = redisPort ? redisCalls(redisPort) : 0; }
    else if (line === 'end') {
      cpu = serverPids.map((pid, i) => (cpuTicks(pid) - cpu0[i]) / 100);
      calls = redisPort ? redisCalls(redisPort) - calls0 : 0;
    } else measured = JSON.parse(line);
  });
  const [code] = await once(child, 'close'); // after its stdout is read to the end
  if (code !== 0 || !measured || !cpu) throw new Error(`load generator failed (exit ${code}) for ${label}`);
  const { delivered } = measured;
  return {
    label, pairs: PAIRS, window: RATE > 0 ? `open ${RATE}/s` : WINDOW, msgPerSec: Math.round(measured.msgPerSec),
    p50ms: measured.p50ms, p99ms: measured.p99ms, p999ms: measured.p999ms,
    serverCpuSeconds: cpu.map(c => +c.toFixed(1)).join('+'),
    // every server process of the scenario (c2c: its pods and Redis), per delivered message
    cpuMicrosPerMsg: +(cpu.reduce((x, y) => x + y, 0) * 1e6 / Math.max(1, delivered)).toFixed(1),
    redisCallsPerMsg: redisPort ? +(calls / Math.max(1, delivered)).toFixed(3) : '-',
    // the load generator's own CPU in the window (user+system): what the servers could not use of shared cores
    loadCpuSeconds: `${measured.loadCpuUser.toFixed(1)}+${measured.loadCpuSystem.toFixed(1)}`,
    // open loop: signals the generator could not hand over because the server had stopped reading (4 MiB waiting)
    notSent: measured.notSent,
    // signals the generator got per read(2): the more wait when it reads, the less CPU it spends per signal (closed
    // loop: the signals one read's deliveries trigger go back in one write)
    perRead: measured.deliveredPerRead,
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
  clients.forEach(c => c.close());
  return { label, connections: HOLD, openSeconds: +openSeconds.toFixed(1), rssBeforeMiB: +(before / 1024).toFixed(0),
    rssAfterMiB: +(after / 1024).toFixed(0), kibPerConnection: +((after - before) / HOLD).toFixed(1) };
}

async function main() {
  // every thread of this process, and the ones it starts later (they inherit it)
  if (LOAD_CPUS) execFileSync('taskset', ['-a', '-p', '-c', LOAD_CPUS, String(process.pid)], { stdio: 'ignore' });
  execFileSync('gcc', ['-O2', '-Wall', '-o', loadgenBinary, path.join(here, 'loadgen.c')], { stdio: 'inherit' });
  const redisPort = await freePort();
  const redis = start('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await waitFor(() => new Promise(resolve => {
    const s = net.connect(redisPort, '127.0.0.1', () => { s.end(); resolve(true); });
    s.on('error', () => resolve(false));
  }), 'redis');
  const [podA, podB] = await startC2c(redisPort);
  const peerjs = await startPeerjs();
  console.error(`servers up (logs in ${workDir}); ${PAIRS} pairs, ${RATE > 0 ? `open loop ${RATE} signals/s` : `window ${WINDOW}`}, ${SECONDS} s per scenario`);

  const results = [];
  if (!SKIP_RELAY) {
    if (SCENARIOS.has('same')) results.push(await relay('c2c same pod', 'c2c', podA.port, podA.port, [podA.pid, redis.pid], redisPort));
    if (SCENARIOS.has('cross')) results.push(await relay('c2c cross pod', 'c2c', podA.port, podB.port, [podA.pid, podB.pid, redis.pid], redisPort));
    if (SCENARIOS.has('peerjs')) results.push(await relay('peerjs (one process)', 'peerjs', peerjs.port, peerjs.port, [peerjs.pid]));
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
/** Stops the servers and waits until they are gone, so that a run started right after this one does not share
 * the machine with pods still shutting down; what has not exited after 20 s (a pod stuck in full collections
 * after an overload) is killed. */
async function stopAndWait() {
  const running = children.filter(c => c.exitCode === null && c.signalCode === null);
  const exited = Promise.all(running.map(c => once(c, 'exit')));
  stopAll();
  const timedOut = await Promise.race([exited.then(() => false), new Promise(r => setTimeout(() => r(true), 20000))]);
  if (timedOut) {
    for (const c of running) { if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); }
    await exited;
  }
}
main().then(async () => { await stopAndWait(); process.exit(0); }, async e => { console.error(e); await stopAndWait(); process.exit(1); });
