import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  expectProblem,
  withStepUp,
  type Row,
} from '../helpers';

// One datacenter with a rack (and a 2U server) in each zone. A viewer keeps the default Internal clearance;
// an operator is raised to Confidential by the admin.
let admin: string;
let viewer: string;
let operator: string;
let dc: Row;
const racks: Record<string, Row> = {};
const servers: Record<string, Row> = {};
const ZONES = ['Public', 'Internal', 'Confidential', 'Top Secret'];

beforeAll(async () => {
  admin = await adminToken();
  // creating (and reading) Top Secret objects asks for a passkey step-up (tests/integration/passkeys.test.ts)
  await withStepUp(admin);
  dc = await createDatacenter(admin);
  for (const zone of ZONES) {
    racks[zone] = await createRack(admin, { datacenter_id: dc.id, security_zone: zone });
    servers[zone] = await createServer(admin, { rack_id: racks[zone].id, u_size: 2, power_supply_w: 1000 });
  }
  viewer = (await createUser('viewer', admin)).token;
  const op = await createUser('operator', admin);
  const raised = await api(`/api/users/${op.id}`, {
    method: 'PATCH',
    token: admin,
    json: { clearance: 'Confidential' },
  });
  expect(raised.status, raised.text).toBe(200);
  operator = op.token;
});

const ids = (rows: Row[]) => rows.map((r) => r.id).sort((a, b) => a - b);

describe('clearance: objects above it do not exist for the caller', () => {
  it('lists and counts only what the clearance reaches', async () => {
    const r = await api(`/api/racks?datacenter_id=${dc.id}`, { token: viewer });
    expect(ids(r.body)).toEqual(ids([racks.Public, racks.Internal]));
    expect(r.headers.get('X-Total-Count')).toBe('2');

    const s = await api(`/api/servers?datacenter_id=${dc.id}`, { token: operator });
    expect(ids(s.body)).toEqual(ids([servers.Public, servers.Internal, servers.Confidential]));

    const all = await api(`/api/servers?datacenter_id=${dc.id}`, { token: admin });
    expect(all.headers.get('X-Total-Count')).toBe('4');

    const d = await api(`/api/datacenters/${dc.id}`, { token: viewer });
    expect(d.body).toMatchObject({ rack_count: 2, server_count: 2 });
  });

  it('answers 404 on direct access, elevation included', async () => {
    expectProblem(await api(`/api/racks/${racks['Top Secret'].id}`, { token: operator }), 404);
    expectProblem(await api(`/api/racks/${racks['Top Secret'].id}/elevation`, { token: operator }), 404);
    expectProblem(await api(`/api/servers/${servers.Confidential.id}`, { token: viewer }), 404);
    expect((await api(`/api/servers/${servers.Confidential.id}`, { token: operator })).status).toBe(200);
  });

  it('keeps hidden servers out of search results', async () => {
    const hidden = servers['Top Secret'].name;
    expect((await api(`/api/servers?q=${hidden}`, { token: operator })).body).toEqual([]);
    expect(ids((await api(`/api/servers?q=${hidden}`, { token: admin })).body)).toEqual([servers['Top Secret'].id]);
  });

  it('keeps hidden objects out of the dashboard and capacity figures', async () => {
    const mine = (await api('/api/analytics/capacity', { token: viewer })).body;
    const dcv = mine.datacenters.find((d: Row) => d.id === dc.id);
    // Public + Internal: 2 racks x 42U, 2 servers x 2U, 2 x 10 kW budgets, 2 x 1 kW allocated
    expect(dcv).toMatchObject({ racks: 2, servers: 2 });
    expect(dcv.rack_space).toMatchObject({ total: 84, used: 4 });
    expect(dcv.power).toMatchObject({ total: 20, used: 2 });

    const dash = (await api('/api/dashboard/metrics', { token: viewer })).body;
    const dashAdmin = (await api('/api/dashboard/metrics', { token: admin })).body;
    expect(dashAdmin.total_servers - dash.total_servers).toBe(2);
    expect(dashAdmin.total_racks - dash.total_racks).toBe(2);
  });
});

describe('clearance: writes', () => {
  it('refuses to place a rack in a zone above the clearance', async () => {
    const res = await api('/api/racks', {
      token: operator,
      json: { name: 'TS-CAGE-9', datacenter_id: dc.id, security_zone: 'Top Secret' },
    });
    expectProblem(res, 403);
    const raise = await api(`/api/racks/${racks.Confidential.id}`, {
      method: 'PATCH',
      token: operator,
      json: { security_zone: 'Top Secret' },
    });
    expectProblem(raise, 403);
  });

  it('treats a hidden rack as non-existent when mounting a server', async () => {
    const res = await api('/api/servers', {
      token: operator,
      json: { name: 'sneaky-1', serial_number: 'SNEAKY1', rack_id: racks['Top Secret'].id, u_position: 30 },
    });
    expectProblem(res, 422, ['rack_id']);
  });
});

describe('declassifying needs a step-up whatever the zone policy', () => {
  it('moving a rack or a server to a lower zone asks for a passkey confirmation', async () => {
    const op = await createUser('operator', admin);
    await api(`/api/users/${op.id}`, { method: 'PATCH', token: admin, json: { clearance: 'Confidential' } });
    const conf = await createRack(op.token, { datacenter_id: dc.id, security_zone: 'Confidential' });
    const srv = await createServer(op.token, { rack_id: conf.id, u_position: 10 });

    // raising the protection is fine; lowering it is not without a step-up
    const down = await api(`/api/racks/${conf.id}`, {
      method: 'PATCH',
      token: op.token,
      json: { security_zone: 'Internal' },
    });
    const p = expectProblem(down, 403);
    expect(p.type).toMatch(/\/step-up-required$/);
    const move = await api(`/api/servers/${srv.id}`, {
      method: 'PATCH',
      token: op.token,
      json: { rack_id: racks.Internal.id, u_position: 20 },
    });
    expectProblem(move, 403);

    await withStepUp(op.token);
    expect(
      (
        await api(`/api/servers/${srv.id}`, {
          method: 'PATCH',
          token: op.token,
          json: { rack_id: racks.Internal.id, u_position: 20 },
        })
      ).status,
    ).toBe(200);
    const ok = await api(`/api/racks/${conf.id}`, {
      method: 'PATCH',
      token: op.token,
      json: { security_zone: 'Internal' },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.security_zone).toBe('Internal');
  });
});

describe('clearance in the audit trail', () => {
  it('an auditor does not read entries about racks and servers above their clearance', async () => {
    const auditor = await createUser('auditor', admin); // default clearance: Internal
    const list = async (type: string) =>
      (await api(`/api/audit/logs?entity_type=${type}&limit=1000`, { token: auditor.token })).body as Row[];
    const rackEntries = await list('rack');
    const rackIds = new Set(rackEntries.map((e) => Number(e.entity_id)));
    expect(rackIds.has(racks.Internal.id)).toBe(true);
    expect(rackIds.has(racks.Public.id)).toBe(true);
    expect(rackIds.has(racks.Confidential.id)).toBe(false);
    expect(rackIds.has(racks['Top Secret'].id)).toBe(false);
    const serverIds = new Set((await list('server')).map((e) => Number(e.entity_id)));
    expect(serverIds.has(servers.Internal.id)).toBe(true);
    expect(serverIds.has(servers['Top Secret'].id)).toBe(false);
    // the admin, cleared for every zone, reads them all
    const all = (await api(`/api/audit/logs?entity_type=rack&limit=1000`, { token: admin })).body as Row[];
    expect(all.some((e) => Number(e.entity_id) === racks['Top Secret'].id)).toBe(true);
  });
});
