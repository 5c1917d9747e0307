#!/usr/bin/env node
// Round-trip latency through a TURN server, at a fixed packet rate, with microsecond timestamps.
//
//   node bench/relay/rtt.mjs --server 127.0.0.1:3478 --peer 127.0.0.1:3480 --secret S \
//        [--clients 20] [--rate 125] [--seconds 10] [--warmup 2] [--size 1000]
//
// turnutils_uclient reports round trips in whole milliseconds (0 on loopback), so it cannot compare
// p99 latency between two servers. This client does what uclient's load does (one allocation per
// client with the TURN REST credentials of coturn's use-auth-secret, a channel to an echo peer such as
// turnutils_peer, ChannelData over UDP), but open loop: each client sends --rate packets/s whatever
// the answers, and each packet carries its send time, so the echo gives its round trip (client ->
// server -> peer -> server -> client). Packets sent during --warmup are not counted. Prints one JSON
// line: sent, received, lost (not back within 1 s after the last send), p50/p90/p99/p99.9/max in ms,
// and totalSent/totalReceived (warm-up included: what the server relayed while the run lasted).
// Talks only to the given loopback addresses; stops by itself.
import dgram from 'node:dgram';
import crypto from 'node:crypto';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const [serverHost, serverPort] = (args.server ?? '').split(':');
const [peerHost, peerPort] = (args.peer ?? '').split(':');
if (!serverPort || !peerPort || !args.secret) {
  console.error('usage: rtt.mjs --server HOST:PORT --peer HOST:PORT --secret SECRET [--clients N] [--rate PPS] ...');
  process.exit(2);
}
const clients = Number(args.clients ?? 20);
const rate = Number(args.rate ?? 125);
const seconds = Number(args.seconds ?? 10);
const warmup = Number(args.warmup ?? 2);
const size = Math.max(16, Number(args.size ?? 1000));

const MAGIC = 0x2112a442;
const ATTR = { USERNAME: 0x0006, MESSAGE_INTEGRITY: 0x0008, ERROR_CODE: 0x0009, CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d, XOR_PEER_ADDRESS: 0x0012, REALM: 0x0014, NONCE: 0x0015, XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019 };
const ALLOCATE = 0x0003;
const CHANNEL_BIND = 0x0009;
const REFRESH = 0x0004;

function attribute(type, value) {
  const padded = Buffer.alloc(4 + ((value.length + 3) & ~3));
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function xorAddress(host, port) {
  const value = Buffer.alloc(8);
  value.writeUInt8(1, 1);
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const ip = host.split('.').map(Number);
  value.writeUInt32BE(((ip[0] << 24 | ip[1] << 16 | ip[2] << 8 | ip[3]) ^ MAGIC) >>> 0, 4);
  return value;
}

/** A request with the given attributes, and MESSAGE-INTEGRITY last when a key is given. */
function request(method, attributes, key) {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(method, 0);
  header.writeUInt32BE(MAGIC, 4);
  const transaction = crypto.randomBytes(12);
  transaction.copy(header, 8);
  if (!key) {
    header.writeUInt16BE(body.length, 2);
    return { transaction, bytes: Buffer.concat([header, body]) };
  }
  header.writeUInt16BE(body.length + 24, 2);
  const mac = crypto.createHmac('sha1', key).update(header).update(body).digest();
  return { transaction, bytes: Buffer.concat([header, body, attribute(ATTR.MESSAGE_INTEGRITY, mac)]) };
}

function parse(bytes) {
  if (bytes.length < 20 || bytes.readUInt32BE(4) !== MAGIC) return null;
  const attributes = new Map();
  for (let at = 20; at + 4 <= bytes.length;) {
    const type = bytes.readUInt16BE(at);
    const length = bytes.readUInt16BE(at + 2);
    attributes.set(type, bytes.subarray(at + 4, at + 4 + length));
    at += 4 + ((length + 3) & ~3);
  }
  return { type: bytes.readUInt16BE(0), transaction: bytes.subarray(8, 20), attributes };
}

/**
 * Sends a request and waits for the response with the same transaction id, retransmitting after 0.5, 1, 2
 * and 4 s (RFC 8489 section 6.2.1's doubling, cut short: a cold JVM server on a busy machine can take a
 * second or two to answer its first requests).
 */
function transact(socket, message) {
  return new Promise((resolve, reject) => {
    let wait = 500;
    let timer;
    const send = () => socket.send(message.bytes, Number(serverPort), serverHost);
    const retransmit = () => {
      if (wait > 4000) {
        done(new Error('no answer from the TURN server'));
        return;
      }
      send();
      wait *= 2;
      timer = setTimeout(retransmit, wait);
    };
    timer = setTimeout(retransmit, wait);
    const onMessage = (bytes) => {
      const answer = parse(bytes);
      if (answer && answer.transaction.equals(message.transaction)) done(null, answer);
    };
    const done = (failure, answer) => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      failure ? reject(failure) : resolve(answer);
    };
    socket.on('message', onMessage);
    send();
  });
}

function errorCode(answer) {
  const value = answer.attributes.get(ATTR.ERROR_CODE);
  return value && value.length >= 4 ? value.readUInt8(2) * 100 + value.readUInt8(3) : 0;
}

/**
 * Allocates with TURN REST credentials and binds channel 0x4000 to the echo peer. A 437 (allocation
 * mismatch: the server still holds an allocation for this 5-tuple, say from another tool's run on a
 * reused ephemeral port), to the challenge or to the Allocate itself, is retried from a new port.
 */
async function connect(index) {
  // Sockets whose port met a 437 stay bound until a new one succeeds, so the retry cannot get the same port.
  const refused = [];
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await connectOnce(index);
      } catch (failure) {
        if (failure.code !== 437 || attempt >= 3) throw failure;
        refused.push(failure.socket);
      }
    }
  } finally {
    refused.forEach((socket) => socket.close());
  }
}

function mismatch(socket, step) {
  return Object.assign(new Error(`${step}: 437 allocation mismatch`), { code: 437, socket });
}

async function connectOnce(index) {
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const username = `${Math.floor(Date.now() / 1000) + 3600}:rtt${process.pid}x${index}`;
  const password = crypto.createHmac('sha1', args.secret).update(username).digest('base64');
  const transport = attribute(ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0]));
  const challenge = await transact(socket, request(ALLOCATE, [transport]));
  // coturn answers 437 before any 401 when the 5-tuple still has an allocation (uclient's, on a reused port).
  if (errorCode(challenge) === 437) throw mismatch(socket, 'allocate challenge');
  if (errorCode(challenge) !== 401) throw new Error(`expected 401, got ${errorCode(challenge)}`);
  const realm = challenge.attributes.get(ATTR.REALM);
  const nonce = challenge.attributes.get(ATTR.NONCE);
  if (!realm || !nonce) throw new Error('the 401 carries no REALM or NONCE');
  const key = crypto.createHash('md5').update(`${username}:${realm}:${password}`).digest();
  const credentials = [attribute(ATTR.USERNAME, Buffer.from(username)), attribute(ATTR.REALM, realm),
    attribute(ATTR.NONCE, nonce)];
  const allocated = await transact(socket, request(ALLOCATE, [transport, ...credentials], key));
  if (allocated.type !== 0x0103) {
    if (errorCode(allocated) === 437) throw mismatch(socket, 'allocate');
    socket.close();
    throw new Error(`allocate failed: ${errorCode(allocated)}`);
  }
  const channel = Buffer.from([0x40, 0x00, 0, 0]);
  const bound = await transact(socket, request(CHANNEL_BIND, [attribute(ATTR.CHANNEL_NUMBER, channel),
    attribute(ATTR.XOR_PEER_ADDRESS, xorAddress(peerHost, Number(peerPort))), ...credentials], key));
  if (bound.type !== 0x0109) throw new Error(`channel bind failed: ${errorCode(bound)}`);
  return { socket, credentials, key };
}

const rtts = [];
let sent = 0;
let received = 0;
let totalSent = 0;
let totalReceived = 0;
let counting = false;
const sessions = await Promise.all(Array.from({ length: clients }, (_, i) => connect(i)));
const start = process.hrtime.bigint();
for (const { socket } of sessions) {
  socket.on('message', (bytes) => {
    // ChannelData: channel (2), length (2), then our payload: counted flag (1), pad, send time (8) at 8.
    if (bytes.length < 16 || (bytes[0] & 0xc0) !== 0x40) return;
    totalReceived++;
    if (bytes[4] !== 1) return;
    received++;
    rtts.push(Number(process.hrtime.bigint() - bytes.readBigUInt64BE(8)) / 1e6);
  });
}

// Open loop: on each 1 ms tick every client sends what it is owed for the elapsed time.
const frame = Buffer.alloc(4 + size);
frame.writeUInt16BE(0x4000, 0);
frame.writeUInt16BE(size, 2);
const owed = new Array(clients).fill(0);
const total = warmup + seconds;
await new Promise((resolve) => {
  const tick = setInterval(() => {
    const now = process.hrtime.bigint();
    const elapsed = Number(now - start) / 1e9;
    if (elapsed >= total) {
      clearInterval(tick);
      resolve();
      return;
    }
    counting = elapsed >= warmup;
    const due = Math.floor(elapsed * rate);
    for (let i = 0; i < clients; i++) {
      while (owed[i] < due) {
        owed[i]++;
        frame[4] = counting ? 1 : 0;
        frame.writeBigUInt64BE(process.hrtime.bigint(), 8);
        sessions[i].socket.send(frame, Number(serverPort), serverHost);
        totalSent++;
        if (counting) sent++;
      }
    }
  }, 1);
});
await new Promise((resolve) => setTimeout(resolve, 1000));

// Release the allocations (LIFETIME 0) so that both servers end each run in the same state.
const releases = await Promise.allSettled(sessions.map(({ socket, credentials, key }) =>
  transact(socket, request(REFRESH, [attribute(ATTR.LIFETIME, Buffer.alloc(4)), ...credentials], key))));
const released = releases.filter((r) => r.status === 'fulfilled' && r.value.type === 0x0104).length;
for (const { socket } of sessions) socket.close();

rtts.sort((a, b) => a - b);
const percentile = (p) => (rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] : NaN);
const round = (x) => Math.round(x * 1000) / 1000;
console.log(JSON.stringify({
  clients, rate, seconds, size, sent, received, lost: sent - received, totalSent, totalReceived, released,
  p50: round(percentile(0.5)), p90: round(percentile(0.9)), p99: round(percentile(0.99)),
  p999: round(percentile(0.999)), max: round(rtts.at(-1) ?? NaN),
}));
