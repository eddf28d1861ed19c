import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { api } from '../helpers';

const toOpenApiPath = (honoPath: string) => honoPath.replace(/:(\w+)/g, '{$1}');

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1.0 document listing every route the app registers, with the same methods', async () => {
    const res = await api('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'DC Platform API', version: '0.1.0' });

    const registered = createApp()
      .app.routes.filter((r) => r.method !== 'ALL')
      // GET /metrics is Prometheus' scrape endpoint at the root, outside the API this document describes
      .filter((r) => r.path.startsWith('/api'))
      .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
    expect(registered.length).toBeGreaterThanOrEqual(30);
    const documented: string[] = [];
    for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(item)) documented.push(`${method} ${path}`);
    }
    // both ways: nothing undocumented, nothing documented that does not exist, no duplicates
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
    expect(new Set(registered).size).toBe(registered.length);
    // spot checks of the conversion itself
    expect(registered).toContain('get /api/racks/{id}/elevation');
    expect(registered).toContain('post /api/token');

    const ids = new Set<string>();
    for (const item of Object.values<Record<string, any>>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        expect(op.operationId).toEqual(expect.any(String));
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(op.responses).toEqual(expect.any(Object));
        expect(op['x-required-permission']).toEqual(expect.any(String));
      }
    }
  });

  it('describes request bodies with the valibot-derived JSON schemas', async () => {
    const doc = (await api('/api/openapi.json')).body;
    const body = doc.paths['/api/servers'].post.requestBody;
    expect(body.required).toBe(true);
    const schema = body.content['application/json'].schema;
    // one server or an array of them
    const [one, many] = schema.anyOf;
    expect(many).toMatchObject({ type: 'array', items: one });
    expect(one.type).toBe('object');
    expect(one.properties.u_position).toEqual({ type: 'integer', minimum: 1, maximum: 52 });
    expect(one.properties.u_size).toEqual({ type: 'integer', minimum: 1, maximum: 10 });
    expect(one.properties.server_type.enum).toEqual(['Compute', 'Storage', 'GPU', 'Database']);
    expect(one.required).toEqual(expect.arrayContaining(['name', 'rack_id', 'serial_number', 'u_position']));
    expect(one.required).not.toContain('u_size');

    const rack = doc.paths['/api/racks'].post.requestBody.content['application/json'].schema.anyOf[0];
    expect(rack.properties.u_capacity).toEqual({ type: 'integer', minimum: 1, maximum: 52 });
    const dcPatch = doc.paths['/api/datacenters/{id}'].patch.requestBody.content['application/json'].schema;
    expect(dcPatch.properties.pue_target.anyOf[0]).toMatchObject({ type: 'number', minimum: 1, maximum: 3 });
    expect(dcPatch.required ?? []).toEqual([]);

    const token = doc.paths['/api/token'].post;
    expect(Object.keys(token.requestBody.content)).toContain('application/x-www-form-urlencoded');
    expect(token.security).toEqual([]);

    // list endpoints document their query parameters, path ids are required
    const params = doc.paths['/api/servers'].get.parameters.map((p: any) => p.name);
    expect(params).toEqual(
      expect.arrayContaining(['limit', 'offset', 'sort', 'q', 'rack_id', 'datacenter_id', 'status']),
    );
    const idParam = doc.paths['/api/servers/{id}'].get.parameters.find((p: any) => p.name === 'id');
    expect(idParam).toMatchObject({ in: 'path', required: true });
    expect(doc.paths['/api/servers'].get.responses['200'].headers).toHaveProperty('X-Total-Count');
    expect(doc.paths['/api/servers'].post.responses['409'].content).toHaveProperty('application/problem+json');
  });
});

describe('GET /api/docs', () => {
  it('is an HTML page that loads only same-origin assets', async () => {
    const res = await api('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html: string = res.text;
    expect(html).toContain('/api/openapi.json');
    const refs = [...html.matchAll(/<(script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[2]);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const ref of refs) {
      expect(ref, ref).not.toMatch(/^(https?:)?\/\//i);
      expect(ref.startsWith('/'), ref).toBe(true);
    }
    expect(html).not.toMatch(/<(script|link)\b[^>]*https?:\/\//i);
  });
});
