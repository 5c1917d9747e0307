import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignalingClient, SignalingError } from '../../main/resources/META-INF/resources/c2c/signaling-client.js';
import { FakeClock, settle } from './support.js';

/** A scripted stand-in for the browser's WebSocket; the real server protocol is tested in signaling-service. */
function scriptedSocket(answer) {
  const sockets = [];
  class FakeSocket {
    constructor(url, protocol) {
      this.url = url;
      this.protocol = protocol;
      this.sent = [];
      this.readyState = 0;
      sockets.push(this);
      setImmediate(() => { this.readyState = 1; this.onopen?.(); });
    }

    send(text) {
      const message = JSON.parse(text);
      this.sent.push(message);
      const reply = answer(message);
      if (reply) setImmediate(() => this.onmessage?.({ data: typeof reply === 'string' ? reply : JSON.stringify(reply) }));
    }

    close(code) {
      this.readyState = 3;
      this.onclose?.({ code, reason: '' });
    }
  }
  return { FakeSocket, sockets };
}

test('hello gets welcome over subprotocol c2c.v1; find returns peer ids; unknown server messages reach onMessage', async () => {
  const clock = new FakeClock();
  const { FakeSocket, sockets } = scriptedSocket((m) => {
    if (m.type === 'hello') return { type: 'welcome', re: m.id, peerId: 'a'.repeat(32), resumeToken: 'b'.repeat(32), heartbeatIntervalMs: 1000, iceServers: [] };
    if (m.type === 'find') return { type: 'found', re: m.id, asset: m.asset, stale: false, peers: [{ peerId: 'p1', reason: 'near' }, { bogus: 1 }] };
    return null;
  });
  const seen = [];
  const client = new SignalingClient({ url: 'ws://127.0.0.1/_c2c/signal', site: 'demo', WebSocketImpl: FakeSocket, clock, onMessage: (m) => seen.push(m) });
  const welcome = await client.connect({ peerId: 'x'.repeat(32), resumeToken: 'y'.repeat(32) });
  assert.equal(welcome.peerId, 'a'.repeat(32));
  assert.equal(sockets[0].protocol, 'c2c.v1');
  assert.deepEqual(sockets[0].sent[0], { type: 'hello', site: 'demo', peerId: 'x'.repeat(32), resumeToken: 'y'.repeat(32), id: 'r1' });
  assert.deepEqual(await client.find('f'.repeat(64), 4), ['p1']);
  client.signal('p1', 'offer', { sdp: 'v=0' });
  client.have(Array.from({ length: 600 }, (_, i) => String(i)));
  assert.deepEqual(sockets[0].sent.slice(2).map((m) => [m.type, m.assets?.length]), [['signal', undefined], ['have', 512], ['have', 88]]);
  sockets[0].onmessage({ data: JSON.stringify({ type: 'signal', from: 'p1', kind: 'answer', payload: {} }) });
  sockets[0].onmessage({ data: 'not json' });
  sockets[0].onmessage({ data: '[]' });
  assert.deepEqual(seen.map((m) => m.type), ['signal']);
  await clock.advance(1000);
  assert.equal(sockets[0].sent.at(-1).type, 'ping', 'heartbeat at the welcome interval');
  client.close();
});

test('requests time out, error answers reject, find degrades to no peers, close rejects what is pending', async () => {
  const clock = new FakeClock();
  const { FakeSocket, sockets } = scriptedSocket((m) => {
    if (m.type === 'hello') return { type: 'welcome', re: m.id, peerId: 'a'.repeat(32), resumeToken: 'b'.repeat(32) };
    if (m.type === 'find' && m.limit === 1) return { type: 'error', re: m.id, code: 'not-available', message: 'no discovery' };
    return null;
  });
  const client = new SignalingClient({ url: 'ws://127.0.0.1/_c2c/signal', site: 'demo', WebSocketImpl: FakeSocket, clock, requestTimeoutMs: 300 });
  await client.connect();
  assert.deepEqual(await client.find('f'.repeat(64), 1), [], 'error answer');
  const silent = client.find('f'.repeat(64), 2);
  await clock.advance(300);
  assert.deepEqual(await silent, [], 'timeout');
  const pending = client.request({ type: 'join', room: 'r' });
  await settle();
  sockets[0].close(1006);
  await assert.rejects(pending, (e) => e instanceof SignalingError && e.code === 'closed');
  await assert.rejects(client.request({ type: 'join', room: 'r' }), (e) => e instanceof SignalingError && e.code === 'closed');
});
