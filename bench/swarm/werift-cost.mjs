// What one werift connection costs in CPU, to know where the swarm benchmark's cores go: P pairs of
// NodePeerConnection (the class the benchmark's visitors use) in this one process, connected over loopback
// (signaling in memory), then (1) the handshake (ICE, DTLS, SCTP, data channel), (2) an idle period with every
// connection open, (3) a transfer of M MiB per pair in messages of the given size. Prints CPU per handshake,
// per idle connection-second and per MiB, and what crossed the wire (UDP datagrams by kind) and the timers
// werift keeps. Run inside a loopback-only network namespace (bench/swarm/werift-cost.sh makes one), e.g.
//
//   node werift-cost.mjs --pairs 20 --idle-s 10 --mib 4 --message 65518
//   node --cpu-prof --cpu-prof-dir /tmp/prof werift-cost.mjs ...        (where the CPU goes)

import dgram from 'node:dgram';
import { NodePeerConnection } from './node-browser.mjs';

const o = { pairs: 20, idleS: 10, mib: 4, message: 65518, config: '{}' };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  if (!(key in o)) throw new Error(`unknown option ${process.argv[i]}`);
  o[key] = key === 'config' ? process.argv[i + 1] : Number(process.argv[i + 1]);
}
const extra = JSON.parse(o.config);

// Datagrams sent, by first byte (RFC 7983 demultiplexing: 0-3 STUN, 20-63 DTLS), and timers created.
const sent = { stun: 0, dtls: 0, other: 0, bytes: 0 };
const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function send(msg, ...rest) {
  const b = Array.isArray(msg) ? msg[0] : msg;
  const first = b?.[0] ?? -1;
  if (first >= 0 && first <= 3) sent.stun++; else if (first >= 20 && first <= 63) sent.dtls++; else sent.other++;
  sent.bytes += Array.isArray(msg) ? msg.reduce((s, m) => s + m.length, 0) : (msg?.length ?? 0);
  return originalSend.call(this, msg, ...rest);
};
const timers = { setTimeout: 0, setInterval: 0 };
const realSetTimeout = globalThis.setTimeout;
const realSetInterval = globalThis.setInterval;
globalThis.setTimeout = (...a) => { timers.setTimeout++; return realSetTimeout(...a); };
globalThis.setInterval = (...a) => { timers.setInterval++; return realSetInterval(...a); };

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const snap = () => ({ cpu: cpu(), wall: Date.now(), ...sent, ...timers });
const diff = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, b[k] - a[k]]));

async function pair() {
  const a = new NodePeerConnection({ iceServers: [], ...extra });
  const b = new NodePeerConnection({ iceServers: [], ...extra });
  a.onicecandidate = (e) => { if (e.candidate) b.addIceCandidate(e.candidate.toJSON()).catch(() => {}); };
  b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate.toJSON()).catch(() => {}); };
  const dcA = a.createDataChannel('c2c-dc.v1', { ordered: true });
  const dcB = new Promise((resolve) => { b.ondatachannel = (e) => resolve(e.channel); });
  // as the agent does: what createOffer/createAnswer return is what goes to the other side
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription({ type: offer.type, sdp: offer.sdp });
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription({ type: answer.type, sdp: answer.sdp });
  await new Promise((resolve) => { if (dcA.readyState === 'open') resolve(); else dcA.addEventListener('open', resolve, { once: true }); });
  return { a, b, dcA, dcB: await dcB };
}

/** Sends `mib` MiB from dcA to dcB in `message`-byte messages with back-pressure like the agent's (1 MiB high water). */
function transfer({ dcA, dcB }, mib, message) {
  const total = mib * 1048576;
  return new Promise((resolve) => {
    let received = 0;
    dcB.addEventListener('message', (e) => {
      received += e.data.byteLength ?? e.data.length;
      if (received >= total) resolve();
    });
    dcA.bufferedAmountLowThreshold = 256 * 1024;
    let sentBytes = 0;
    const payload = new Uint8Array(message);
    const pump = () => {
      while (sentBytes < total && dcA.bufferedAmount <= 1048576) {
        const n = Math.min(message, total - sentBytes);
        dcA.send(n === message ? payload : payload.subarray(0, n));
        sentBytes += n;
      }
      if (sentBytes < total) dcA.addEventListener('bufferedamountlow', pump, { once: true });
    };
    pump();
  });
}

const line = (label, d, per, unit) => console.log(`${label.padEnd(10)} wall ${(d.wall / 1000).toFixed(1).padStart(6)} s  cpu ${(d.cpu / 1000).toFixed(2).padStart(6)} s`
  + `  = ${(d.cpu / per).toFixed(1).padStart(7)} ms ${unit}  datagrams stun ${d.stun} dtls ${d.dtls} (${(d.bytes / 1048576).toFixed(1)} MiB)  timers ${d.setTimeout}+${d.setInterval}`);

const s0 = snap();
console.log(`${o.pairs} pairs; SCTP MTU between werift visitors ${process.env.SWARM_WERIFT_MTU ?? 'default of node-browser.mjs'}; config ${o.config}`);
const pairs = [];
for (let i = 0; i < o.pairs; i++) pairs.push(await pair()); // eslint-disable-line no-await-in-loop
const s1 = snap();
line('handshake', diff(s0, s1), o.pairs * 2, 'per connection (one side)');
await new Promise((resolve) => realSetTimeout(resolve, o.idleS * 1000));
const s2 = snap();
line('idle', diff(s1, s2), o.pairs * 2 * o.idleS, 'per connection-second');
if (o.mib > 0) {
  await Promise.all(pairs.map((p) => transfer(p, o.mib, o.message)));
  const s3 = snap();
  line('transfer', diff(s2, s3), o.pairs * o.mib, `per MiB (both sides, ${o.message}-byte messages)`);
}
console.log(`SCTP payload per packet: offerer ${pairs[0].a.sctpTransport.sctp.maxPayloadSize}, answerer ${pairs[0].b.sctpTransport.sctp.maxPayloadSize}`);
for (const p of pairs) { p.a.close(); p.b.close(); }
realSetTimeout(() => process.exit(0), 500);
