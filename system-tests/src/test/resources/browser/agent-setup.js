// WebDriver async script body: starts a PeerAgent in this page whose signaling socket is a relay the test drives
// (the test plays the c2c.v1 server for two browsers, as BrowserHarnessIT relays SDP by hand).
// Argument 0: the bootstrap JSON ({siteId, manifest, settings, agent}).
const [boot, done] = arguments;
(async () => {
  const { PeerAgent } = await import('/c2c/agent.js');
  const { sha256Hex } = await import('/c2c/manifest.js');
  window.__outbox = [];
  class RelaySocket {
    constructor() {
      this.readyState = 0;
      window.__socket = this;
      setTimeout(() => { this.readyState = 1; if (this.onopen) this.onopen(); }, 0);
    }
    send(text) { window.__outbox.push(text); }
    close() { this.readyState = 3; }
  }
  window.__take = () => { const out = window.__outbox; window.__outbox = []; return out; };
  window.__deliver = (text) => window.__socket.onmessage({ data: text });
  window.__sha256Hex = sha256Hex;
  window.__serve = (path) => {
    window.__result = null;
    window.__agent.serve(path).then(async (r) => {
      window.__result = r.ok ? { ok: true, source: r.source, size: r.body.byteLength, sha: await sha256Hex(new Uint8Array(r.body)) } : r;
    }, (e) => { window.__result = { error: String(e) }; });
  };
  window.__agent = new PeerAgent({ ...JSON.parse(boot), WebSocketImpl: RelaySocket, signalingUrl: 'ws://127.0.0.1/_c2c/signal' });
  window.__started = null;
  window.__agent.start().then(() => { window.__started = 'ok'; }, (e) => { window.__started = 'ERROR ' + e; });
  done('ok');
})().catch((e) => done('ERROR ' + (e && e.stack ? e.stack : e)));
