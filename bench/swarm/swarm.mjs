// Swarm benchmark orchestrator: visitors arrive in waves at a site served by the whole local platform, each a real
// peer agent in a worker process (peer-host.mjs) over werift WebRTC; the same arrival pattern is first run
// origin-only (plain fetches through the platform's origin proxy) as the baseline. Prints a table, writes a JSON
// result and an SVG plot. Started by run.sh inside a loopback-only network namespace; bounded in time.
//
//   node swarm.mjs --base http://swarm.localhost:8080 --origin http://127.0.0.1:8000 --waves 2,8,10 --liars 1 ...

import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { chromiumVisitor } from './chromium-peer.mjs';
import { renderSvg } from './plot.mjs';

function options(argv) {
  const o = {
    base: 'http://swarm.localhost:8080', origin: 'http://127.0.0.1:8000', waves: '2,8,10', spreadMs: 3000, seedSpreadMs: 3000, gapMs: 2000,
    workers: 2, liars: 1, baseline: true, loadTimeoutMs: 120000, binMs: 1000, out: '', svg: '', agent: '{}', chromium: 0,
  };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in o)) throw new Error(`unknown option ${argv[i]}`);
    const v = argv[i + 1];
    o[key] = typeof o[key] === 'number' ? Number(v) : typeof o[key] === 'boolean' ? v === 'true' : v;
  }
  o.agentOverrides = JSON.parse(o.agent);
  o.waveSizes = o.waves.split(',').map(Number);
  if (o.waveSizes.some((n) => !(n > 0))) throw new Error('--waves: sizes > 0, the first is the seeds');
  return o;
}

const o = options(process.argv);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (values, p) => {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const loadavg = () => os.loadavg().map((v) => Number(v.toFixed(2)));

async function originHashes() {
  const boot = await (await fetch(`${o.base}/_c2c/bootstrap`)).json();
  if (!boot.manifest) throw new Error('the site has no manifest yet (collect it first)');
  const hashes = {};
  let bytes = 0;
  for (const file of boot.manifest.files) {
    // Straight from the origin server, not through the platform: the reference every delivered byte is checked against.
    const body = new Uint8Array(await (await fetch(`${o.origin}${file.path === '/' ? '/index.html' : file.path}`)).arrayBuffer());
    hashes[file.path] = createHash('sha256').update(body).digest('hex');
    if (hashes[file.path] !== file.sha256) throw new Error(`manifest and origin differ for ${file.path}`);
    bytes += body.byteLength;
  }
  return { hashes, files: boot.manifest.files.length, bytes, chunkSize: boot.manifest.chunkSize, agent: boot.agent, settings: boot.settings };
}

/** Worker processes, each hosting visitors; loads are dealt round-robin. */
async function startWorkers(t0, hashes) {
  const wsBase = o.base.replace(/^http/, 'ws');
  const workers = await Promise.all(Array.from({ length: o.workers }, () => new Promise((resolve, reject) => {
    // SWARM_CPU_PROF=DIR: each worker writes a V8 CPU profile there when it stops (node --cpu-prof)
    const execArgv = process.env.SWARM_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SWARM_CPU_PROF] : [];
    const child = fork(new URL('./peer-host.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    const waiting = new Map();
    child.on('message', (m) => {
      if (m.type === 'ready') resolve({ child, waiting });
      if (m.type === 'result') { waiting.get(m.id)?.(m); waiting.delete(m.id); }
      if (m.type === 'stopped') waiting.get('stop')?.(m.report);
      if (m.type === 'report') { waiting.get('report')?.(m.report); waiting.delete('report'); }
    });
    child.on('error', reject);
    child.on('exit', (code) => { for (const done of waiting.values()) done({ error: `worker exited with ${code}` }); waiting.clear(); });
    child.send({ cmd: 'init', base: o.base, wsBase, t0, originHashes: hashes, agentOverrides: o.agentOverrides });
  })));
  let next = 0;
  return {
    load(id, mode, liar) {
      const w = workers[next++ % workers.length];
      return new Promise((resolve) => {
        const timer = setTimeout(() => { w.waiting.delete(id); resolve({ id, mode, error: 'load-timeout' }); }, o.loadTimeoutMs);
        w.waiting.set(id, (m) => { clearTimeout(timer); resolve(m); });
        w.child.send({ cmd: 'load', id, mode, liar });
      });
    },
    /** Each worker's report so far (and its event-loop lag histogram restarts). */
    report() {
      return Promise.all(workers.map((w) => new Promise((resolve) => {
        w.waiting.set('report', resolve);
        w.child.send({ cmd: 'report' });
      })));
    },
    /** Stops the workers; resolves with each one's report (CPU, event-loop lag, connections, datagrams). */
    async stop() {
      const reports = await Promise.all(workers.map((w) => new Promise((resolve) => {
        const timer = setTimeout(() => { w.child.kill('SIGKILL'); resolve(null); }, 5000);
        w.waiting.set('stop', (report) => { clearTimeout(timer); resolve(report ?? null); });
        if (w.child.connected) w.child.send({ cmd: 'stop' }); else resolve(null);
      })));
      // they exit by themselves right after (and only then write a --cpu-prof profile); stragglers are ended
      await Promise.all(workers.map((w) => new Promise((resolve) => {
        if (w.child.exitCode !== null) { resolve(); return; }
        const timer = setTimeout(resolve, 5000);
        w.child.once('exit', () => { clearTimeout(timer); resolve(); });
      })));
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
      return reports;
    },
  };
}

/** One phase: the waves in turn, each wave's visitors spread over spreadMs, the next wave after the last one finished. */
async function phase(mode, pool, t0) {
  const results = [];
  const marks = [];
  let id = 0;
  for (let w = 0; w < o.waveSizes.length; w++) {
    const size = o.waveSizes[w];
    const label = w === 0 ? 'seeds' : `wave ${w}`;
    marks.push({ t: (Date.now() - t0) / 1000, label });
    const loads = [];
    if (mode === 'p2p' && w === o.waveSizes.length - 1) {
      // real browsers join with the last wave and fetch from the werift peers (and each other)
      for (let c = 0; c < o.chromium; c++) {
        loads.push(chromiumVisitor(`${o.base}/index.html`).catch((err) => ({ error: String(err?.message ?? err) }))
          .then((r) => ({ ...r, id: `chromium-${c}`, mode: 'chromium', wave: w, waveLabel: label })));
      }
    }
    for (let i = 0; i < size; i++) {
      // liars: the last seeds (discovery names the oldest holders first, so the first waves meet them); after their
      // own load their stored chunks are corrupted and they serve those
      const liar = mode === 'p2p' && w === 0 && i >= size - o.liars;
      const visitor = `${mode}-${w}-${id++}`;
      loads.push(pool.load(visitor, mode, liar).then((r) => ({ ...r, wave: w, waveLabel: label })));
      if (i < size - 1) await sleep((w === 0 ? o.seedSpreadMs : o.spreadMs) / size); // eslint-disable-line no-await-in-loop
    }
    results.push(...await Promise.all(loads)); // eslint-disable-line no-await-in-loop
    process.stdout.write(`  ${mode} ${label}: ${size} visitors done at ${((Date.now() - t0) / 1000).toFixed(1)} s (load ${loadavg()[0]})\n`);
    if (w < o.waveSizes.length - 1) await sleep(o.gapMs); // eslint-disable-line no-await-in-loop
  }
  return { results, marks };
}

function summarize(results) {
  const ok = results.filter((r) => !r.error);
  const peers = ok.reduce((s, r) => s + r.bytesFromPeers, 0);
  const origin = ok.reduce((s, r) => s + r.bytesFromOrigin, 0);
  const ttfb = ok.map((r) => r.ttfbMs);
  const full = ok.map((r) => r.fullMs);
  return {
    count: results.length, errors: results.length - ok.length, share: peers + origin ? peers / (peers + origin) : 0,
    bytesFromPeers: peers, bytesFromOrigin: origin,
    ttfb: { p50: pct(ttfb, 50), p95: pct(ttfb, 95), max: pct(ttfb, 100) },
    full: { p50: pct(full, 50), p95: pct(full, 95), max: pct(full, 100) },
    failedFiles: ok.reduce((s, r) => s + r.failedFiles.length, 0),
    corruptedBytesAccepted: ok.reduce((s, r) => s + r.corruptedBytesAccepted, 0),
    badChunksRejected: ok.reduce((s, r) => s + (r.badChunksRejected ?? 0), 0),
  };
}

/** Bytes received per bin (from each visitor's cumulative samples) and the cumulative share from peers. */
function timeline(results, t0Offset) {
  const events = [];
  for (const r of results.filter((x) => !x.error)) {
    let lastP = 0; let lastO = 0;
    for (const [t, p, og] of r.samples) {
      events.push({ t: t - t0Offset, p: p - lastP, o: og - lastO });
      lastP = p; lastO = og;
    }
  }
  const end = Math.max(0, ...events.map((e) => e.t));
  const bins = Array.from({ length: Math.floor(end / o.binMs) + 1 }, (_, i) => ({ t: (i * o.binMs) / 1000, peers: 0, origin: 0, cumShare: null }));
  for (const e of events) { const b = bins[Math.max(0, Math.floor(e.t / o.binMs))]; b.peers += e.p; b.origin += e.o; }
  let cp = 0; let co = 0;
  for (const b of bins) {
    cp += b.peers; co += b.origin;
    b.cumShare = cp + co ? cp / (cp + co) : null;
    b.peers = (b.peers * 1000) / o.binMs; b.origin = (b.origin * 1000) / o.binMs; // bytes/s
  }
  return bins;
}

/** This network namespace's UDP counters (/proc/net/snmp): datagrams dropped for a full receive buffer show up here. */
function udpCounters() {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
    const [names, values] = lines.map((l) => l.split(/\s+/).slice(1));
    return Object.fromEntries(names.map((n, i) => [n, Number(values[i])]));
  } catch {
    return {};
  }
}

/** CPU seconds so far of each platform process `./c2c up` started (its pid files in $C2C_STATE_DIR/run). */
function platformCpu() {
  const dir = process.env.C2C_STATE_DIR ? `${process.env.C2C_STATE_DIR}/run` : null;
  const cpu = {};
  if (!dir) return cpu;
  let names = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.pid'));
  } catch {
    return cpu;
  }
  for (const f of names) {
    try {
      const pid = readFileSync(`${dir}/${f}`, 'utf8').trim().split('\n')[0];
      // fields after the command name: utime and stime are the 12th and 13th (clock ticks, 100 per second)
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu[f.replace(/\.pid$/, '')] = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // not running
    }
  }
  return cpu;
}

/** CPU and wire figures of the workers during the peer phase (end minus start), summed, with the worst event-loop lag. */
function workerFigures(before, after) {
  const sum = { cpuS: 0, connections: 0, stun: 0, dtls: 0, bytes: 0, loopLagMsP99Max: 0, loopLagMsMax: 0 };
  after.forEach((a, i) => {
    const b = before?.[i];
    if (!a) return;
    sum.cpuS += a.cpuS - (b?.cpuS ?? 0);
    for (const k of ['connections', 'stun', 'dtls', 'bytes']) sum[k] += a[k] - (b?.[k] ?? 0);
    sum.loopLagMsP99Max = Math.max(sum.loopLagMsP99Max, a.loopLagMs.p99);
    sum.loopLagMsMax = Math.max(sum.loopLagMsMax, a.loopLagMs.max);
  });
  return sum;
}

const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)}` : '–');

async function main() {
  const started = new Date();
  const machine = { cores: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavgAtStart: loadavg() };
  const site = await originHashes();
  console.log(`site: ${site.files} files, ${(site.bytes / 1048576).toFixed(2)} MiB, chunk ${site.chunkSize / 1024} KiB; agent settings ${JSON.stringify(site.agent)} + ${JSON.stringify(o.agentOverrides)}; upload cap ${site.settings?.uploadCapBytesPerSecond} B/s`);
  console.log(`waves ${o.waves} (first = seeds), spread ${o.spreadMs} ms, gap ${o.gapMs} ms, ${o.workers} worker processes, ${o.liars} liar(s); load average ${machine.loadavgAtStart.join(' ')}`);
  const t0 = Date.now();
  const pool = await startWorkers(t0, site.hashes);
  let baseline = { results: [], marks: [] };
  let swarm;
  let p2pStart;
  let workersBefore; let workersAfter; let udpBefore; let cpuWall; let platformBefore;
  try {
    if (o.baseline) {
      console.log('origin-only baseline (plain fetch through the origin proxy):');
      baseline = await phase('origin', pool, t0);
      await sleep(o.gapMs);
    }
    console.log('peer agents (werift WebRTC):');
    workersBefore = await pool.report();
    udpBefore = udpCounters();
    platformBefore = platformCpu();
    cpuWall = Date.now();
    p2pStart = Date.now() - t0;
    swarm = await phase('p2p', pool, t0);
  } finally {
    cpuWall = (Date.now() - (cpuWall ?? Date.now())) / 1000;
    workersAfter = await pool.stop();
  }
  const udpAfter = udpCounters();
  const platformAfter = platformCpu();
  const cost = {
    wallS: cpuWall, workers: workerFigures(workersBefore, workersAfter),
    udp: Object.fromEntries(Object.keys(udpAfter).map((k) => [k, udpAfter[k] - (udpBefore?.[k] ?? 0)])),
    platformCpuS: Object.fromEntries(Object.keys(platformAfter).map((k) => [k, Number((platformAfter[k] - (platformBefore?.[k] ?? 0)).toFixed(1))])),
  };
  const loadEnd = loadavg();

  const chromium = swarm.results.filter((r) => r.mode === 'chromium').map((r) => {
    const wrong = r.hashes ? Object.entries(site.hashes).filter(([p, h]) => r.hashes[p] !== undefined && r.hashes[p] !== h).map(([p]) => p) : [];
    const { hashes, ...rest } = r;
    return { ...rest, filesVerified: hashes ? Object.keys(hashes).length : 0, corruptedFiles: wrong };
  });
  swarm.results = swarm.results.filter((r) => r.mode !== 'chromium');
  const waves = o.waveSizes.map((_, w) => ({
    label: w === 0 ? 'seeds' : `wave ${w}`,
    p2p: summarize(swarm.results.filter((r) => r.wave === w)),
    origin: o.baseline ? summarize(baseline.results.filter((r) => r.wave === w)) : null,
  }));
  const afterSeeds = summarize(swarm.results.filter((r) => r.wave > 0));
  const result = {
    title: `Swarm: ${swarm.results.length} peer agents (werift) on ${machine.cores} cores — bytes by source over time`,
    date: started.toISOString(), machine: { ...machine, loadavgAtEnd: loadEnd }, options: o, site: { files: site.files, bytes: site.bytes, chunkSize: site.chunkSize, agent: site.agent, settings: site.settings },
    waves, total: { p2p: summarize(swarm.results), origin: o.baseline ? summarize(baseline.results) : null, afterSeeds },
    binMs: o.binMs,
    timeline: timeline(swarm.results, p2pStart),
    waveMarks: swarm.marks.map((m) => ({ ...m, t: m.t - p2pStart / 1000 })),
    chromium, cost,
    visitors: swarm.results.concat(baseline.results).map(({ samples, ...rest }) => rest),
  };
  result.subtitle = `${result.date.slice(0, 16)}Z · ${machine.cores} cores (shared, load avg ${machine.loadavgAtStart[0]} → ${loadEnd[0]}) · site ${site.files} files, ${(site.bytes / 1048576).toFixed(1)} MiB · `
    + `after the seeds ${(100 * afterSeeds.share).toFixed(1)}% from peers · corrupted bytes accepted ${result.total.p2p.corruptedBytesAccepted}, bad chunks rejected ${result.total.p2p.badChunksRejected}`;

  console.log('\n| wave | visitors | from peers | TTFB p50 / p95 (ms) | full page p50 / p95 (ms) | origin-only TTFB p50 / p95 | origin-only full p50 / p95 | errors | bad chunks rejected | corrupted bytes accepted |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const wv of [...waves, { label: 'after the seeds', p2p: afterSeeds, origin: o.baseline ? summarize(baseline.results.filter((r) => r.wave > 0)) : null }]) {
    const b = wv.origin;
    console.log(`| ${wv.label} | ${wv.p2p.count} | ${(100 * wv.p2p.share).toFixed(1)}% | ${ms(wv.p2p.ttfb.p50)} / ${ms(wv.p2p.ttfb.p95)} | ${ms(wv.p2p.full.p50)} / ${ms(wv.p2p.full.p95)} | `
      + `${b ? `${ms(b.ttfb.p50)} / ${ms(b.ttfb.p95)}` : '–'} | ${b ? `${ms(b.full.p50)} / ${ms(b.full.p95)}` : '–'} | ${wv.p2p.errors + wv.p2p.failedFiles} | ${wv.p2p.badChunksRejected} | ${wv.p2p.corruptedBytesAccepted} |`);
  }
  console.log('\nbytes per second by source (p2p phase):');
  for (const b of result.timeline) {
    console.log(`  t=${String(b.t).padStart(4)} s  peers ${(b.peers / 1048576).toFixed(2).padStart(6)} MiB/s  origin ${(b.origin / 1048576).toFixed(2).padStart(6)} MiB/s  cumulative share from peers ${b.cumShare === null ? '–' : `${(100 * b.cumShare).toFixed(1)}%`}`);
  }
  for (const c of chromium) {
    console.log(c.error ? `chromium ${c.id}: error ${c.error}` : `chromium ${c.id}: ${(100 * c.bytesFromPeers / Math.max(1, c.bytesFromPeers + c.bytesFromOrigin)).toFixed(1)}% from peers, `
      + `first file ${ms(c.ttfbMs)} ms, full page ${ms(c.fullMs)} ms after navigation, ${c.filesVerified} files verified with Web Crypto, corrupted ${c.corruptedFiles.length}, `
      + `connections ${JSON.stringify(c.connectionsByType)}, failures ${JSON.stringify(c.failures)}; addIceCandidate ok ${c.candidates?.ok}, failed `
      + `${JSON.stringify(c.candidates?.failed?.slice(0, 4))}`);
  }
  const errors = swarm.results.concat(baseline.results).filter((r) => r.error);
  for (const e of errors.slice(0, 5)) console.log(`error ${e.id}: ${e.error.split('\n')[0]}`);
  const wk = cost.workers;
  console.log(`\nwhere the CPU went in the peer phase (${cost.wallS.toFixed(0)} s): worker processes ${wk.cpuS.toFixed(1)} CPU-s `
    + `(${(wk.cpuS / cost.wallS).toFixed(2)} cores), event-loop lag p99 up to ${wk.loopLagMsP99Max.toFixed(0)} ms (max ${wk.loopLagMsMax.toFixed(0)} ms); `
    + `${wk.connections} peer connections opened; datagrams sent: ${wk.stun} STUN, ${wk.dtls} DTLS (${(wk.bytes / 1048576).toFixed(0)} MiB); `
    + `UDP receive-buffer drops ${cost.udp.RcvbufErrors ?? '?'} (in errors ${cost.udp.InErrors ?? '?'}); platform processes (CPU-s) ${JSON.stringify(cost.platformCpuS)}`);
  const failures = {};
  for (const r of swarm.results.filter((x) => !x.error)) for (const [k, v] of Object.entries(r.failures ?? {})) failures[k] = (failures[k] ?? 0) + v;
  result.failures = failures;
  console.log(`agent counters summed: ${JSON.stringify(Object.fromEntries(Object.entries(failures).sort((a, b) => b[1] - a[1])))}`);
  console.log(`\nload average at the end ${loadEnd.join(' ')}`);
  if (o.out) {
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, JSON.stringify(result, null, 1));
    console.log(`result: ${o.out}`);
  }
  if (o.svg) {
    mkdirSync(dirname(o.svg), { recursive: true });
    writeFileSync(o.svg, renderSvg(result));
    console.log(`plot: ${o.svg}`);
  }
  const corrupted = result.total.p2p.corruptedBytesAccepted + (result.total.origin?.corruptedBytesAccepted ?? 0);
  process.exitCode = corrupted > 0 || chromium.some((c) => c.corruptedFiles.length) ? 3 : 0;
}

// The whole run is bounded: the load timeouts bound each visitor, this bounds everything else.
const guard = setTimeout(() => { console.error('swarm: overall time bound reached'); process.exit(4); }, 30 * 60 * 1000);
guard.unref();
main().catch((err) => { console.error(err); process.exit(1); });
