import { expect } from 'vitest';
import { exports } from 'cloudflare:workers';
import { BASE, api } from './api';
import { createDatacenter, createRack, createServer, type Row } from './factories';

/** A personal API token with these scopes, created by `token`'s owner. */
export async function apiToken(token: string, scopes: string[]): Promise<string> {
  const res = await api('/api/tokens', { token, json: { name: `t-${scopes.join('-')}`, scopes } });
  expect(res.status, res.text).toBe(201);
  return res.body.token as string;
}

/** A fresh datacenter with one rack and `n` servers in it. */
export async function estate(admin: string, n = 2, rackOverrides: Row = {}) {
  const dc = await createDatacenter(admin);
  const rack = await createRack(admin, { datacenter_id: dc.id, ...rackOverrides });
  const servers: Row[] = [];
  for (let i = 0; i < n; i++) servers.push(await createServer(admin, { rack_id: rack.id, u_position: 1 + i * 2 }));
  return { dc, rack, servers };
}

/** Wait until `ok` holds (an alarm that fired by itself may still be writing to D1); fails after 5 s. */
export async function eventually(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in 5 s');
}

export const ingestJson = (token: string, samples: unknown) => api('/api/metrics/ingest', { token, json: samples });

export interface LiveSocket {
  ws: WebSocket;
  /** the subprotocol the server chose */
  protocol: string | null;
  messages: any[];
  closed: { code: number } | null;
  /** the first message (already received or still to come) that matches, after `after` messages */
  waitFor<T = any>(pred: (m: T) => boolean, opts?: { ms?: number; after?: number }): Promise<T>;
}

/** Open a live WebSocket through the Worker as `token`; the status when the upgrade is refused. */
export const openSocket = (path: string, token: string) => openSocketWith(path, { Authorization: `Bearer ${token}` });

/** Open a WebSocket through the Worker with these headers (a site agent sends its token as a subprotocol). */
export async function openSocketWith(
  path: string,
  headers: Record<string, string>,
): Promise<LiveSocket | { status: number; body: any }> {
  const res = await exports.default.fetch(`${BASE}${path}`, { headers: { Upgrade: 'websocket', ...headers } });
  if (res.status !== 101 || !res.webSocket) {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const ws = res.webSocket;
  const protocol = res.headers.get('sec-websocket-protocol');
  const messages: any[] = [];
  const listeners = new Set<() => void>();
  const live: LiveSocket = {
    ws,
    protocol,
    messages,
    closed: null,
    waitFor(pred, opts = {}) {
      const after = opts.after ?? 0;
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = messages.slice(after).find(pred);
          if (hit === undefined) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`no matching message in ${opts.ms ?? 3000} ms; got ${JSON.stringify(messages).slice(0, 800)}`),
          );
        }, opts.ms ?? 3000);
        if (!check()) listeners.add(check);
      });
    },
  };
  ws.addEventListener('message', (e) => {
    messages.push(JSON.parse(e.data as string));
    for (const l of [...listeners]) l();
  });
  ws.addEventListener('close', (e) => {
    live.closed = { code: e.code };
    for (const l of [...listeners]) l();
  });
  ws.accept();
  return live;
}
