import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';

describe('health', () => {
  it('answers healthy with the database checked', async () => {
    const res = await exports.default.fetch('http://localhost/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'healthy', version: '0.1.0', database: 'ok' });
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('routing', () => {
  it('answers 405 with Allow for a known path and an unsupported method', async () => {
    const res = await exports.default.fetch('http://localhost/api/servers/1', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, PATCH, DELETE');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { status: number }).status).toBe(405);
  });

  it('answers 404 problem+json for an unknown API path', async () => {
    const res = await exports.default.fetch('http://localhost/api/servers/1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('security headers', () => {
  it('every API response, errors included, forbids framing, sniffing and caching', async () => {
    for (const path of ['/api/health', '/api/nowhere', '/api/servers']) {
      const res = await exports.default.fetch(`http://localhost${path}`);
      expect(res.headers.get('Content-Security-Policy'), path).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(res.headers.get('X-Frame-Options')).toBe('DENY');
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(res.headers.get('Cache-Control')).toBe('no-store');
      expect(res.headers.get('Strict-Transport-Security')).toBeNull(); // plain http
    }
    const https = await exports.default.fetch('https://localhost/api/health');
    expect(https.headers.get('Strict-Transport-Security')).toMatch(/max-age=\d+/);
  });

  it('the API reference page may run only same-origin scripts', async () => {
    const res = await exports.default.fetch('http://localhost/api/docs');
    expect(res.headers.get('Content-Security-Policy')).toMatch(/script-src 'self';/);
    expect(res.headers.get('Content-Security-Policy')).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});
