// A tiny WebSocket server on node:http's upgrade (RFC 6455: text frames, close, ping), standing in for the site's
// Durable Object. Enough for one JSON message per frame; no fragmentation, no extensions.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface Peer {
  protocols: string[];
  path: string;
  received: unknown[];
  send(msg: unknown): void;
  /** drops the TCP connection without a close frame, as a crashed server or a dead link would */
  drop(): void;
  next(type: string): Promise<Record<string, unknown>>;
}

export async function startWsServer(
  onPeer: (peer: Peer) => void,
): Promise<{ url: string; server: Server; peers: Peer[]; close: () => Promise<void> }> {
  const peers: Peer[] = [];
  const sockets = new Set<Duplex>();
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket: Duplex) => {
    const key = String(req.headers['sec-websocket-key']);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: dcp-agent\r\n\r\n`,
    );
    const waiters: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
    const peer: Peer = {
      protocols,
      path: req.url ?? '',
      received: [],
      send: (msg) => socket.write(frame(0x1, Buffer.from(JSON.stringify(msg)))),
      drop: () => socket.destroy(),
      next: (type) =>
        new Promise((resolve) => {
          const i = peer.received.findIndex((m) => (m as { type: string }).type === type);
          if (i >= 0) resolve(peer.received.splice(i, 1)[0] as Record<string, unknown>);
          else waiters.push({ type, resolve });
        }),
    };
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const f = parseFrame(buf);
        if (!f) break;
        buf = buf.subarray(f.size);
        if (f.opcode === 0x8) {
          socket.end(frame(0x8, f.payload.subarray(0, 2)));
        } else if (f.opcode === 0x9) {
          socket.write(frame(0xa, f.payload));
        } else if (f.opcode === 0x1) {
          const msg = JSON.parse(f.payload.toString('utf8'));
          const w = waiters.findIndex((x) => x.type === msg.type);
          if (w >= 0) waiters.splice(w, 1)[0].resolve(msg);
          else peer.received.push(msg);
        }
      }
    });
    socket.on('error', () => undefined);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    peers.push(peer);
    onPeer(peer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // upgraded sockets still hold the server open: close() would wait for them forever
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, server, peers, close };
}

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : Buffer.alloc(4);
  if (len >= 126) {
    if (len > 0xffff) throw new Error('frame too large for this test server');
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  }
  return Buffer.concat([head, payload]);
}

function parseFrame(buf: Buffer): { opcode: number; payload: Buffer; size: number } | null {
  if (buf.length < 2) return null;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let len = buf[1] & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return null;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) for (let i = 0; i < len; i++) payload[i] ^= buf[maskAt + (i % 4)];
  return { opcode, payload, size: offset + len };
}
