// A WebSocket client for the benchmark's held connections: text frames over one TCP socket, nothing else (no
// extensions, no fragmentation, no binary). Opening tens of thousands of them, it keeps the generator's own work
// small next to the server's (the signal traffic itself comes from loadgen.c).
import crypto from 'node:crypto';
import net from 'node:net';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455, section 1.3
const MAX_FRAME = 1 << 20;

/**
 * Opens ws://host:port/path. Resolves to { send(text), close() } once the server answered 101;
 * onText(text, connection) is called for each text frame, onClose() once when the connection ends.
 */
export function openLeanWebSocket({ host, port, path, protocol, origin, localAddress, onText, onClose }) {
  return new Promise((resolve, reject) => {
    const key = crypto.randomBytes(16).toString('base64');
    const expectedAccept = crypto.createHash('sha1').update(key + ACCEPT_GUID).digest('base64');
    const socket = net.connect({ host, port, localAddress });
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    let open = false;
    let closed = false;
    const mask = crypto.randomBytes(4); // one masking key per connection; servers unmask whatever the key
    const connection = { send, close: () => finish() };
    const finish = error => {
      if (closed) return;
      closed = true;
      socket.destroy();
      if (!open) reject(error ?? new Error(`ws://${host}:${port}${path} closed before the upgrade`));
      else onClose?.(error);
    };
    socket.on('error', finish);
    socket.on('close', () => finish());
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
        + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`
        + (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') + (origin ? `Origin: ${origin}\r\n` : '') + '\r\n');
    });
    socket.on('data', chunk => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      if (!open) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        if (!/^HTTP\/1\.1 101 /.test(head) || !head.includes(expectedAccept)) {
          finish(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          return;
        }
        open = true;
        pending = pending.subarray(end + 4);
        resolve(connection);
      }
      pending = readFrames(pending);
    });

    function readFrames(buffer) {
      let at = 0;
      while (buffer.length - at >= 2) {
        const first = buffer[at];
        let length = buffer[at + 1] & 0x7f;
        let header = 2;
        if (length === 126) { if (buffer.length - at < 4) break; length = buffer.readUInt16BE(at + 2); header = 4; }
        else if (length === 127) { if (buffer.length - at < 10) break; length = Number(buffer.readBigUInt64BE(at + 2)); header = 10; }
        if (length > MAX_FRAME || (first & 0x80) === 0 || (buffer[at + 1] & 0x80) !== 0) {
          finish(new Error(`unexpected frame (byte 0 ${first}, length ${length})`));
          return Buffer.alloc(0);
        }
        if (buffer.length - at < header + length) break;
        const opcode = first & 0x0f;
        const payload = buffer.subarray(at + header, at + header + length);
        at += header + length;
        if (opcode === 1) onText(payload.toString('latin1'), connection);
        else if (opcode === 8) { finish(); return Buffer.alloc(0); }
        else if (opcode === 9) writeFrame(0x8a, payload);
      }
      return at === buffer.length ? Buffer.alloc(0) : buffer.subarray(at);
    }

    function writeFrame(first, payload) {
      const header = payload.length < 126 ? 6 : 8;
      const frame = Buffer.allocUnsafe(header + payload.length);
      frame[0] = first;
      if (header === 6) frame[1] = 0x80 | payload.length;
      else { frame[1] = 0x80 | 126; frame.writeUInt16BE(payload.length, 2); }
      mask.copy(frame, header - 4);
      for (let i = 0; i < payload.length; i++) frame[header + i] = payload[i] ^ mask[i & 3];
      socket.write(frame);
    }

    function send(text) {
      if (closed) return;
      const payload = Buffer.from(text, 'latin1');
      if (payload.length > 0xffff) throw new Error('frames over 64 KiB are not needed here');
      writeFrame(0x81, payload);
    }
  });
}
