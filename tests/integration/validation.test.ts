import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  countRows,
  createDatacenter,
  createRack,
  datacenterBody,
  expectProblem,
  rackBody,
  serverBody,
  type Row,
} from '../helpers';

let admin: string;
let dc: Row;
let rack: Row;

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id });
});

describe('body validation: 422 naming every bad field', () => {
  it('servers', async () => {
    const res = await api('/api/servers', {
      token: admin,
      json: serverBody(rack.id, { ip_address: '999.1.1.1', cpu_cores: -4, u_size: 0 }),
    });
    const p = expectProblem(res, 422, ['ip_address', 'cpu_cores', 'u_size'], true);
    expect(p.type).toBe('https://dc-platform.dev/problems/validation-error');
    expect(p.title).toBe('Validation Failed');
    expect(p.detail).toContain('ip_address');
    expect(p.errors!.find((e) => e.field === 'cpu_cores')!.message).toBe('must be at least 1');
    expect(p.errors!.find((e) => e.field === 'u_size')!.message).toBe('must be at least 1');

    const more = await api('/api/servers', {
      token: admin,
      json: {
        name: '',
        rack_id: 'one',
        serial_number: 'bad serial!',
        u_position: 53,
        server_type: 'Mainframe',
        management_ip: 'localhost',
        warranty_expires: '2026-02-30x',
        storage_tb: -1,
        power_supply_w: 1.5,
      },
    });
    expectProblem(
      more,
      422,
      [
        'name',
        'rack_id',
        'serial_number',
        'u_position',
        'server_type',
        'management_ip',
        'warranty_expires',
        'storage_tb',
        'power_supply_w',
      ],
      true,
    );
    // missing required fields are named too
    expectProblem(await api('/api/servers', { token: admin, json: {} }), 422, [
      'name',
      'rack_id',
      'serial_number',
      'u_position',
    ]);
    // IPv6 is a valid address
    const v6 = await api('/api/servers', { token: admin, json: serverBody(rack.id, { ip_address: '2001:db8::10' }) });
    expect(v6.status, v6.text).toBe(201);
  });

  it('racks', async () => {
    const res = await api('/api/racks', {
      token: admin,
      json: rackBody(dc.id, { u_capacity: 60, cooling_type: 'Fans' }),
    });
    const p = expectProblem(res, 422, ['u_capacity', 'cooling_type'], true);
    expect(p.errors!.find((e) => e.field === 'u_capacity')!.message).toBe('must be at most 52');
    expect(p.errors!.find((e) => e.field === 'cooling_type')!.message).toMatch(/^must be one of: Air Cooling/);

    expectProblem(
      await api('/api/racks', {
        token: admin,
        json: rackBody(dc.id, { power_capacity_kw: 0, security_zone: 'Secret', datacenter_id: 0 }),
      }),
      422,
      ['power_capacity_kw', 'security_zone', 'datacenter_id'],
      true,
    );
    // PATCH validates the same rules
    expectProblem(
      await api(`/api/racks/${rack.id}`, { method: 'PATCH', token: admin, json: { u_capacity: 0 } }),
      422,
      ['u_capacity'],
      true,
    );
    expectProblem(await api(`/api/racks/${rack.id}`, { method: 'PATCH', token: admin, json: {} }), 422, ['(body)']);
  });

  it('datacenters', async () => {
    const res = await api('/api/datacenters', {
      token: admin,
      json: datacenterBody({ pue_target: 5, tier: 'Tier 9' }),
    });
    const p = expectProblem(res, 422, ['pue_target', 'tier'], true);
    expect(p.errors!.find((e) => e.field === 'pue_target')!.message).toBe('must be at most 3');
    expectProblem(
      await api('/api/datacenters', {
        token: admin,
        json: datacenterBody({ power_capacity_mw: -1, certifications: ['ISO 27001', 'Made Up'], status: 'on fire' }),
      }),
      422,
      ['power_capacity_mw', 'certifications[1]', 'status'],
      true,
    );
  });

  it('normalises tiers: "Tier III", "III", "3" and 3 all mean Tier 3', async () => {
    for (const tier of ['Tier III', 'III', 'iii', '3', 3, 'tier 3', ' Tier 3 ']) {
      const res = await api('/api/datacenters', { token: admin, json: datacenterBody({ tier }) });
      expect(res.status, `${JSON.stringify(tier)}: ${res.text}`).toBe(201);
      expect(res.body.tier).toBe('Tier 3');
    }
    const four = await api('/api/datacenters', { token: admin, json: datacenterBody({ tier: 'IV' }) });
    expect(four.body.tier).toBe('Tier 4');
    const defaulted = await api('/api/datacenters', { token: admin, json: datacenterBody({ tier: undefined }) });
    expect(defaulted.body.tier).toBe('Tier 3');
    for (const tier of ['Tier 5', 'V', 0, 'Tier', '']) {
      expectProblem(await api('/api/datacenters', { token: admin, json: datacenterBody({ tier }) }), 422, ['tier']);
    }
    const patched = await api(`/api/datacenters/${dc.id}`, { method: 'PATCH', token: admin, json: { tier: 'II' } });
    expect(patched.body.tier).toBe('Tier 2');
  });
});

describe('malformed requests', () => {
  it('answers malformed JSON, an empty body and a wrong content type with 400', async () => {
    const bad = await api('/api/servers', {
      token: admin,
      body: '{"name": "x",',
      headers: { 'content-type': 'application/json' },
    });
    expect(expectProblem(bad, 400).detail).toMatch(/not valid JSON/);
    expectProblem(
      await api('/api/datacenters', {
        token: admin,
        body: '',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectProblem(
      await api('/api/datacenters', { token: admin, body: 'name=x', headers: { 'content-type': 'text/plain' } }),
      400,
    );
    expectProblem(
      await api(`/api/datacenters/${dc.id}`, {
        method: 'PATCH',
        token: admin,
        body: '{oops}',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    // JSON of the wrong shape is a 422, not a 400
    expectProblem(await api('/api/datacenters', { token: admin, json: 'just a string' }), 422, ['(body)']);
  });

  it('names the item of a bulk create at fault: [i].field', async () => {
    const before = await countRows('servers');
    const res = await api('/api/servers', {
      token: admin,
      json: [
        serverBody(rack.id, { u_position: 30 }),
        serverBody(rack.id, { u_position: 31, serial_number: '#bad' }),
        serverBody(rack.id, { u_position: 0, u_size: 11 }),
      ],
    });
    expectProblem(res, 422, ['[1].serial_number', '[2].u_position', '[2].u_size'], true);
    expect(await countRows('servers')).toBe(before);
    expectProblem(await api('/api/servers', { token: admin, json: [] }), 422, ['(body)']);
  });
});

describe('list parameters', () => {
  it('refuses unknown sort fields, out-of-range limits and unknown filter values, naming query.*', async () => {
    const cases: [string, string[]][] = [
      ['sort=bogus', ['query.sort']],
      ['sort=-bogus,name', ['query.sort']],
      ['limit=0', ['query.limit']],
      ['limit=5000', ['query.limit']],
      ['limit=1001', ['query.limit']],
      ['limit=ten', ['query.limit']],
      ['offset=-1', ['query.offset']],
      ['status=nope', ['query.status']],
      ['server_type=GPU,Quantum', ['query.server_type']],
      ['rack_id=abc', ['query.rack_id']],
      ['warranty_before=tomorrow', ['query.warranty_before']],
      ['sort=bogus&limit=0&status=nope', ['query.sort', 'query.limit', 'query.status']],
    ];
    for (const [qs, fields] of cases) {
      const res = await api(`/api/servers?${qs}`, { token: admin });
      const p = expectProblem(res, 422, fields, true);
      expect(p.detail).toBe('Invalid list parameters.');
    }
    expect((await api('/api/servers?limit=1000', { token: admin })).status).toBe(200);
    expect((await api('/api/servers?limit=1', { token: admin })).status).toBe(200);
    expectProblem(await api('/api/racks?cooling_type=Fans', { token: admin }), 422, ['query.cooling_type'], true);
    expectProblem(await api('/api/datacenters?tier=Tier%209', { token: admin }), 422, ['query.tier'], true);
  });

  it('refuses a non-numeric id in the path with 422 naming path.id', async () => {
    for (const path of ['/api/servers/abc', '/api/racks/0', '/api/datacenters/-1', '/api/racks/1.5/elevation']) {
      expectProblem(await api(path, { token: admin }), 422, ['path.id'], true);
    }
    expectProblem(await api('/api/servers/abc', { method: 'DELETE', token: admin }), 422, ['path.id'], true);
    // a well-formed id that does not exist is a 404
    const missing = expectProblem(await api('/api/servers/999999', { token: admin }), 404);
    expect(missing.detail).toBe('Server 999999 does not exist.');
  });
});

describe('unknown routes and request ids', () => {
  it('answers an unknown route with a 404 problem', async () => {
    for (const [method, path] of [
      ['GET', '/api/whatever'],
      ['POST', '/api/whatever'],
      ['GET', '/api/servers/1/nothing'],
    ]) {
      const res = await api(path, { method, token: admin });
      const p = expectProblem(res, 404);
      expect(p.instance).toBe(path);
      expect(p.detail).toContain(path);
    }
    expectProblem(await api('/api/whatever'), 404);
  });

  it('every response carries an X-Request-Id, echoing a sane incoming one', async () => {
    const responses = [
      await api('/api/health'),
      await api('/api/whatever'),
      await api('/api/servers'),
      await api('/api/servers?limit=0', { token: admin }),
      await api('/api/servers', { token: admin }),
      await api('/api/servers/abc', { token: admin }),
      await api('/api/servers', { token: admin, body: '{', headers: { 'content-type': 'application/json' } }),
      await api('/api/users/me', { token: 'garbage' }),
      await api('/api/session', { method: 'DELETE' }),
    ];
    const ids = responses.map((r) => r.headers.get('X-Request-Id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);

    const mine = 'trace-abc_123.XYZ:9';
    for (const res of [
      await api('/api/health', { headers: { 'X-Request-Id': mine } }),
      await api('/api/whatever', { headers: { 'X-Request-Id': mine } }),
      await api('/api/servers', { headers: { 'X-Request-Id': mine } }),
    ]) {
      expect(res.headers.get('X-Request-Id')).toBe(mine);
    }
    for (const insane of ['short', 'has spaces in it', '<script>alert(1)</script>', 'x'.repeat(129)]) {
      const res = await api('/api/health', { headers: { 'X-Request-Id': insane } });
      expect(res.headers.get('X-Request-Id')).not.toBe(insane);
      expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
