import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { BASE, adminToken, apiToken, countRows, datacenterBody, expectProblem } from '../helpers';

const MIB = 1024 * 1024;
let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

/** A JSON document of about `bytes` bytes: a datacenter whose location is padded. */
const bigDatacenter = (bytes: number) => JSON.stringify(datacenterBody({ location: 'x'.repeat(bytes) }));

/** A body of unknown length streamed in 64 KiB chunks; `pulled()` says how much the server asked for. */
function chunked(text: string) {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
  });
  return { stream, pulled: () => Math.min(offset, bytes.length) };
}

const post = (path: string, body: BodyInit, token = admin, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body,
  });

async function asResult(res: Response) {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}

describe('request body limit (MAX_BODY_BYTES, default 1 MiB)', () => {
  it('a 12 MB body with Content-Length is refused with 413 before it is parsed', async () => {
    const before = await countRows('datacenters');
    const res = await asResult(await post('/api/datacenters', bigDatacenter(12 * MIB)));
    const p = expectProblem(res, 413, ['(body)']);
    expect(p.detail).toMatch(/1048576 bytes/);
    expect(res.headers.get('X-Request-Id')).toBeTruthy();
    expect(await countRows('datacenters')).toBe(before);
  });

  it('a chunked body of unknown length is cut off once it streams past the limit', async () => {
    const body = chunked(bigDatacenter(12 * MIB));
    const res = await asResult(await post('/api/datacenters', body.stream));
    expectProblem(res, 413, ['(body)']);
    // the Worker stopped reading well before the end of the 12 MB
    expect(body.pulled()).toBeLessThan(12 * MIB);
  });

  it('a body under the limit, streamed in many chunks, still arrives whole', async () => {
    // a bulk create of 600 datacenters: about 160 KB, so several chunks
    const items = Array.from({ length: 600 }, () => datacenterBody({ location: 'y'.repeat(190) }));
    const body = chunked(JSON.stringify(items));
    const created = await asResult(await post('/api/datacenters', body.stream));
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    expect(created.body.map((d: { name: string }) => d.name)).toEqual(items.map((d) => d.name));
    expect(body.pulled()).toBeGreaterThan(2 * 64 * 1024);
  });

  it('refuses before authentication: an anonymous 12 MB body is a 413 too, not read for a 401', async () => {
    const res = await exports.default.fetch(`${BASE}/api/datacenters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bigDatacenter(12 * MIB),
    });
    expectProblem(await asResult(res), 413);
  });

  it('the limit comes from MAX_BODY_BYTES', async () => {
    const { app } = createApp();
    const small = { ...env, MAX_BODY_BYTES: '200' };
    const send = (json: string) =>
      app.fetch(
        new Request(`${BASE}/api/datacenters`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: json,
        }),
        small,
      );
    const refused = await asResult(await send(bigDatacenter(300)));
    expect(expectProblem(refused, 413).detail).toMatch(/200 bytes/);
    const fits = await asResult(await send(JSON.stringify(datacenterBody())));
    expect(fits.status, fits.text).toBe(201);
  });

  it('telemetry ingest keeps its own cap (INGEST_MAX_BODY_BYTES, 10 MiB by default)', async () => {
    const token = await apiToken(admin, ['ingest']);
    // 2 MiB of JSON: over MAX_BODY_BYTES, under the ingest cap; the ingest route itself answers
    const padded = `[${' '.repeat(2 * MIB)}{"datacenter": 999999999, "metric": "pue", "value": 1.4}]`;
    const res = await asResult(await post('/api/metrics/ingest', padded, token));
    expect(res.status, res.text.slice(0, 300)).not.toBe(413);
    expectProblem(res, 400, ['[0]']);
    // and its own 413 still applies past INGEST_MAX_BODY_BYTES
    const huge = await asResult(await post('/api/metrics/ingest', `[${' '.repeat(11 * MIB)}]`, token));
    expectProblem(huge, 413);
  });
});
