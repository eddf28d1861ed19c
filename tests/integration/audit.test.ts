import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../worker/platform/db/client';
import type { ServiceContext } from '../../worker/platform/context';
import { createRows } from '../../worker/platform/http/resource';
import { serversResource } from '../../worker/dcim/servers';
import {
  adminToken,
  api,
  asRole,
  auditRows,
  countRows,
  createDatacenter,
  createRack,
  createUser,
  expectProblem,
  serverBody,
  type Row,
  type TestUser,
} from '../helpers';

let admin: string;
let operator: TestUser;
let rack: Row;

/**
 * The row exactly as D1 stores it (JSON and boolean columns decoded), to compare with what the audit trail recorded; less
 * the servers' search_text, a derived copy of other columns that the trail leaves out on purpose.
 */
async function stored(table: 'servers' | 'racks' | 'datacenters', id: number): Promise<Row | null> {
  const row = await env.DB.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id).first<Row>();
  if (row && table === 'datacenters') row.certifications = JSON.parse(row.certifications);
  if (row && table === 'servers') {
    expect(typeof row.search_text).toBe('string');
    delete row.search_text;
    // a boolean column, which the trail records as JSON true/false (as the API reads it), D1 as 0/1
    row.is_full_depth = !!row.is_full_depth;
  }
  return row;
}

const entriesOf = (requestId: string | null) => auditRows('request_id = ?', requestId);

beforeAll(async () => {
  admin = await adminToken();
  operator = await createUser('operator', admin);
  rack = await createRack(admin, { power_capacity_kw: 100 });
});

describe('every write is audited exactly once, in the same transaction', () => {
  it('create: actor, entity, after = the stored row, request id = X-Request-Id', async () => {
    const res = await api('/api/servers', {
      token: operator.token,
      json: serverBody(rack.id, { u_position: 1, storage_tb: 4.0, ip_address: '10.1.1.1' }),
    });
    expect(res.status, res.text).toBe(201);
    const requestId = res.headers.get('X-Request-Id');
    const entries = await entriesOf(requestId);
    expect(entries).toHaveLength(1);
    const [e] = entries;
    expect(e).toMatchObject({
      actor: operator.username,
      actor_id: operator.id,
      action: 'create',
      entity_type: 'server',
      entity_id: String(res.body.id),
      before: null,
      request_id: requestId,
    });
    expect(e.ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(e.after).toEqual(await stored('servers', res.body.id));
    // the API answer shows the same stored values
    expect(res.body).toMatchObject(e.after);
  });

  it('create of a datacenter keeps JSON columns as JSON', async () => {
    const res = await api('/api/datacenters', {
      token: admin,
      json: { name: 'AUDIT-DC', certifications: ['ISO 27001', 'SOC 2', 'ISO 27001'] },
    });
    expect(res.status, res.text).toBe(201);
    const [e] = await entriesOf(res.headers.get('X-Request-Id'));
    expect(e.after.certifications).toEqual(['ISO 27001', 'SOC 2']);
    expect(e.after).toEqual(await stored('datacenters', res.body.id));
  });

  it('update: before and after, both as stored', async () => {
    const created = await api('/api/servers', { token: admin, json: serverBody(rack.id, { u_position: 3 }) });
    const id = created.body.id;
    const before = await stored('servers', id);
    const res = await api(`/api/servers/${id}`, {
      method: 'PATCH',
      token: operator.token,
      json: { os: 'Rocky Linux 9', health: 'warning' },
    });
    expect(res.status, res.text).toBe(200);
    const entries = await entriesOf(res.headers.get('X-Request-Id'));
    expect(entries).toHaveLength(1);
    const [e] = entries;
    expect(e).toMatchObject({
      action: 'update',
      entity_type: 'server',
      entity_id: String(id),
      actor: operator.username,
    });
    expect(e.before).toEqual(before);
    expect(e.after).toEqual(await stored('servers', id));
    expect(e.after).toMatchObject({ os: 'Rocky Linux 9', health: 'warning' });
    expect(e.before.os).toBeNull();
    expect(e.after.updated_at >= e.before.updated_at).toBe(true);

    // a PATCH that changes nothing writes nothing
    const same = await api(`/api/servers/${id}`, { method: 'PATCH', token: admin, json: { os: 'Rocky Linux 9' } });
    expect(same.status).toBe(200);
    expect(await entriesOf(same.headers.get('X-Request-Id'))).toEqual([]);
  });

  it('delete: before only', async () => {
    const dc = await createDatacenter(admin, { certifications: ['LEED'] });
    const before = await stored('datacenters', dc.id);
    const res = await api(`/api/datacenters/${dc.id}`, { method: 'DELETE', token: admin });
    expect(res.status).toBe(204);
    const entries = await entriesOf(res.headers.get('X-Request-Id'));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'delete',
      entity_type: 'datacenter',
      entity_id: String(dc.id),
      after: null,
    });
    expect(entries[0].before).toEqual(before);
    expect(await stored('datacenters', dc.id)).toBeNull();
  });

  it('a write refused by a rule leaves no audit entry', async () => {
    const total = await countRows('audit_log');
    const refused = [
      await api('/api/servers', { token: admin, json: serverBody(rack.id, { u_position: 1 }) }), // slot taken
      await api('/api/servers', { token: admin, json: serverBody(999999) }), // no such rack
      await api('/api/racks', { token: admin, json: { name: 'x', datacenter_id: rack.datacenter_id, u_capacity: 99 } }),
      await api(`/api/racks/${rack.id}`, { method: 'PATCH', token: admin, json: { power_capacity_kw: 0.1 } }),
      await api(`/api/racks/${rack.id}`, { method: 'DELETE', token: admin }), // still holds servers
      await api('/api/datacenters', { token: asRoleCache.viewer, json: { name: 'nope' } }),
    ];
    expect(refused.map((r) => r.status)).toEqual([409, 422, 422, 409, 409, 403]);
    // no change entry for any of them; the refused permission is itself recorded as a security event
    for (const r of refused.slice(0, 5)) expect(await entriesOf(r.headers.get('X-Request-Id'))).toEqual([]);
    const denied = await entriesOf(refused[5].headers.get('X-Request-Id'));
    expect(denied.map((e) => e.action)).toEqual(['permission_denied']);
    expect(await countRows('audit_log')).toBe(total + 1);
  });
});

const asRoleCache: Record<string, string> = {};
beforeAll(async () => {
  asRoleCache.viewer = await asRole('viewer', admin);
  asRoleCache.auditor = await asRole('auditor', admin);
});

describe('bulk create is all or nothing', () => {
  it('a conflict in the last item writes nothing at all', async () => {
    const r = await createRack(admin, { datacenter_id: rack.datacenter_id });
    const [servers, audit] = [await countRows('servers'), await countRows('audit_log')];
    const items = Array.from({ length: 5 }, (_, i) => serverBody(r.id, { u_position: i * 2 + 1 }));
    items[4].serial_number = items[0].serial_number;
    const res = await api('/api/servers', { token: admin, json: items });
    expectProblem(res, 409, ['[4].serial_number'], true);
    expect(await countRows('servers')).toBe(servers);
    expect(await countRows('audit_log')).toBe(audit);
    expect(await countRows('servers', `rack_id = ${r.id}`)).toBe(0);
  });

  it('a successful bulk create writes N rows and N audit entries under one request id', async () => {
    const r = await createRack(admin, { datacenter_id: rack.datacenter_id });
    const [servers, audit] = [await countRows('servers'), await countRows('audit_log')];
    const items = Array.from({ length: 7 }, (_, i) => serverBody(r.id, { u_position: i + 1 }));
    const res = await api('/api/servers', { token: operator.token, json: items });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toHaveLength(7);
    expect(res.body.map((s: Row) => s.name)).toEqual(items.map((i) => i.name));
    expect(await countRows('servers')).toBe(servers + 7);
    expect(await countRows('audit_log')).toBe(audit + 7);
    const entries = await entriesOf(res.headers.get('X-Request-Id'));
    expect(entries.map((e) => e.entity_id)).toEqual(res.body.map((s: Row) => String(s.id)));
    for (const e of entries) {
      expect(e).toMatchObject({ action: 'create', entity_type: 'server', actor: operator.username });
      expect(e.after).toEqual(await stored('servers', Number(e.entity_id)));
    }
  });

  it('the batch itself is atomic: when D1 refuses the last insert, nothing of the batch remains', async () => {
    // skip the service's up-front uniqueness check so that the database's UNIQUE index fails the batch midway
    const r = await createRack(admin, { datacenter_id: rack.datacenter_id });
    const unchecked = { ...serversResource, unique: [] };
    const ctx: ServiceContext = {
      db: createDb(env.DB),
      env,
      actor: { id: 1, username: 'admin', role: 'admin', clearance: 'Top Secret' },
      requestId: 'batch-atomicity-test',
      clientIp: null,
    };
    const [servers, audit] = [await countRows('servers'), await countRows('audit_log')];
    const items = Array.from({ length: 4 }, (_, i) => serverBody(r.id, { u_position: i + 1 }));
    items[3].serial_number = items[0].serial_number;
    await expect(createRows(ctx, unchecked, items)).rejects.toThrow(/UNIQUE constraint failed: servers.serial_number/);
    expect(await countRows('servers')).toBe(servers);
    expect(await countRows('audit_log')).toBe(audit);
    expect(await entriesOf('batch-atomicity-test')).toEqual([]);
    // the same batch without the duplicate lands whole, with its audit entries
    items[3].serial_number = `${items[3].serial_number}-fixed`;
    const created = await createRows(ctx, unchecked, items);
    expect(created).toHaveLength(4);
    expect(await countRows('servers')).toBe(servers + 4);
    expect((await entriesOf('batch-atomicity-test')).map((e) => e.entity_id)).toEqual(created.map((c) => String(c.id)));
  });
});

describe('GET /api/audit/logs', () => {
  it('is readable by admin and auditor only', async () => {
    expect((await api('/api/audit/logs', { token: admin })).status).toBe(200);
    expect((await api('/api/audit/logs', { token: asRoleCache.auditor })).status).toBe(200);
    expectProblem(await api('/api/audit/logs', { token: operator.token }), 403);
    expectProblem(await api('/api/audit/logs', { token: asRoleCache.viewer }), 403);
    expectProblem(await api('/api/audit/logs/1', { token: asRoleCache.viewer }), 403);
    expectProblem(await api('/api/audit/logs'), 401);
  });

  it('is append-only: there is no route to change or delete entries', async () => {
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      const path = method === 'POST' ? '/api/audit/logs' : '/api/audit/logs/1';
      const res = await api(path, { method, token: admin, ...(method === 'DELETE' ? {} : { json: { actor: 'x' } }) });
      expectProblem(res, 405);
      expect(res.headers.get('Allow')).toBe('GET');
    }
  });

  it('filters by actor, action, entity_type, entity_id, request_id and time', async () => {
    const auditor = asRoleCache.auditor;
    const list = async (qs: string) => {
      const res = await api(`/api/audit/logs?${qs}`, { token: auditor });
      expect(res.status, res.text).toBe(200);
      return res.body as Row[];
    };
    const mine = await list(`actor=${operator.username}&limit=1000`);
    const direct = await auditRows('actor = ?', operator.username);
    expect(mine.map((e) => e.id)).toEqual(direct.map((e) => e.id).reverse()); // newest first
    expect(mine.length).toBeGreaterThanOrEqual(10);
    expect(mine[0]).not.toHaveProperty('hash');
    expect(mine[0]).not.toHaveProperty('prev_hash');

    const updates = await list(`actor=${operator.username}&action=update`);
    expect(updates.length).toBe(1);
    expect(updates[0].before).toEqual(expect.any(Object));
    const logins = await list(`actor=${operator.username}&action=login`);
    expect(logins.length).toBe(1);

    const racks = await list('entity_type=rack&action=create&limit=1000');
    expect(racks.map((e) => e.entity_type)).toEqual(racks.map(() => 'rack'));
    expect(racks.length).toBe(await countRows('racks'));

    const one = await list(`entity_type=rack&entity_id=${rack.id}`);
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ action: 'create', after: expect.objectContaining({ id: rack.id }) });

    const byRequest = await list(`request_id=${one[0].request_id}`);
    expect(byRequest.map((e) => e.id)).toEqual([one[0].id]);

    const got = await api(`/api/audit/logs/${one[0].id}`, { token: auditor });
    expect(got.body).toEqual(one[0]);

    // time window: [from, to] around one entry's timestamp
    const all = await auditRows();
    const target = all[Math.floor(all.length / 2)];
    const from = await list(`from=${encodeURIComponent(target.ts)}&limit=1000&sort=id`);
    expect(from[0].id).toBe(all.find((e) => e.ts >= target.ts)!.id);
    expect(from.every((e) => e.ts >= target.ts)).toBe(true);
    const to = await list(`to=${encodeURIComponent(target.ts)}&limit=1000&sort=id`);
    expect(to.every((e) => e.ts <= target.ts)).toBe(true);
    expect(to.map((e) => e.id)).toContain(target.id);
    const window = await list(`from=${target.ts}&to=${target.ts}&limit=1000`);
    expect(window.map((e) => e.id)).toContain(target.id);
    expect(window.every((e) => e.ts === target.ts)).toBe(true);
    expect(await list('from=2999-01-01')).toEqual([]);
    expect(await list('to=2000-01-01')).toEqual([]);
    expectProblem(await api('/api/audit/logs?from=yesterday', { token: auditor }), 422, ['query.from'], true);
  });

  it('a time bound without milliseconds compares as the instant it names', async () => {
    // entries written "now" carry milliseconds; a bound given to the second must still order correctly against them
    const res = await api('/api/datacenters', { token: admin, json: { name: 'TIME-DC' } });
    const [e] = await entriesOf(res.headers.get('X-Request-Id'));
    const second = e.ts.slice(0, 19); // YYYY-MM-DDTHH:MM:SS
    const next = new Date(Date.parse(`${second}Z`) + 1000).toISOString().slice(0, 19);
    const ids = async (qs: string) =>
      ((await api(`/api/audit/logs?${qs}&limit=1000`, { token: admin })).body as Row[]).map((x) => x.id);
    expect(await ids(`from=${second}Z`)).toContain(e.id);
    expect(await ids(`to=${next}Z`)).toContain(e.id);
    expect(await ids(`from=${next}Z`)).not.toContain(e.id);
    if (!e.ts.endsWith('.000Z')) expect(await ids(`to=${second}Z`)).not.toContain(e.id);
    // the same instants written with a UTC offset
    const plus2 = (iso: string) => new Date(Date.parse(`${iso}Z`) + 2 * 3600_000).toISOString().slice(0, 19) + '+02:00';
    expect(await ids(`from=${encodeURIComponent(plus2(second))}`)).toContain(e.id);
    expect(await ids(`from=${encodeURIComponent(plus2(next))}`)).not.toContain(e.id);
    // a time that names no instant is refused rather than compared as text
    expectProblem(await api('/api/audit/logs?to=2026-13-45T10:00Z', { token: admin }), 422, ['query.to'], true);
  });

  it('an audit entry exists for a change if and only if the change exists', async () => {
    // replay the trail per entity: created and not deleted <=> the row is in the table
    for (const [type, table] of [
      ['server', 'servers'],
      ['rack', 'racks'],
      ['datacenter', 'datacenters'],
    ] as const) {
      const trail = await auditRows('entity_type = ?', type);
      const alive = new Set<string>();
      for (const e of trail) {
        if (e.action === 'create') alive.add(e.entity_id!);
        if (e.action === 'delete') alive.delete(e.entity_id!);
      }
      const { results } = await env.DB.prepare(`SELECT id FROM ${table}`).all<Row>();
      expect(new Set(results.map((r) => String(r.id)))).toEqual(alive);
      // and the last entry of each live row holds its current state
      for (const id of alive) {
        const last = trail.filter((e) => e.entity_id === id).at(-1)!;
        expect(last.after).toEqual(await stored(table, Number(id)));
      }
    }
  });
});

describe('GET /api/audit/logs?id=', () => {
  it('fetches exact entries by id', async () => {
    const admin = await adminToken();
    const all = (await api('/api/audit/logs?limit=3&sort=id', { token: admin })).body as { id: number }[];
    const picked = [all[0].id, all[2].id];
    const res = await api(`/api/audit/logs?id=${picked.join(',')}&sort=id`, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect((res.body as { id: number }[]).map((e) => e.id)).toEqual(picked);
  });
});

describe('permission denied', () => {
  it('is audited with the route, the permission and the role, but nothing else changes', async () => {
    const admin = await adminToken();
    const viewer = await asRole('viewer', admin);
    const res = await api('/api/datacenters', { token: viewer, json: { name: 'not-allowed-dc' } });
    expectProblem(res, 403);
    const [entry] = (await auditRows("action = 'permission_denied'")).slice(-1);
    expect(entry).toMatchObject({ entity_type: 'route', entity_id: 'POST /api/datacenters' });
    expect(entry.after).toEqual({ permission: 'inventory:write', role: 'viewer' });
    expect(await countRows('datacenters', "name = 'not-allowed-dc'")).toBe(0);
  });
});
