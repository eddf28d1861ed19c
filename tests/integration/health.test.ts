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
