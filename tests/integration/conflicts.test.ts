import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  auditRows,
  countRows,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  rackBody,
  serverBody,
  uniqueName,
  type Row,
} from '../helpers';

let admin: string;
let dc: Row;

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
});

const newRack = (overrides: Row = {}) => createRack(admin, { datacenter_id: dc.id, ...overrides });
const post = (path: string, json: unknown) => api(path, { token: admin, json });
const patch = (path: string, json: unknown) => api(path, { method: 'PATCH', token: admin, json });

/** A refused write must leave no row and no audit entry behind. */
async function expectNothingWritten<T>(write: () => Promise<T>): Promise<T> {
  const [servers, racks, dcs, audit] = await Promise.all([
    countRows('servers'),
    countRows('racks'),
    countRows('datacenters'),
    countRows('audit_log'),
  ]);
  const out = await write();
  expect(await countRows('servers')).toBe(servers);
  expect(await countRows('racks')).toBe(racks);
  expect(await countRows('datacenters')).toBe(dcs);
  expect(await countRows('audit_log')).toBe(audit);
  return out;
}

describe('U slots', () => {
  it('refuses a server overlapping one already mounted', async () => {
    const rack = await newRack();
    const a = await createServer(admin, {
      rack_id: rack.id,
      name: 'slot-a',
      serial_number: 'SLOT-A',
      u_position: 10,
      u_size: 2,
    });
    for (const [u_position, u_size] of [
      [11, 1], // top U of A
      [10, 1], // bottom U of A
      [9, 2], // 9-10 reaches into A
      [8, 5], // 8-12 swallows A
    ]) {
      const res = await expectNothingWritten(() => post('/api/servers', serverBody(rack.id, { u_position, u_size })));
      const p = expectProblem(res, 409, ['u_position'], true);
      expect(p.type).toBe('https://dc-platform.dev/problems/conflict');
      expect(p.detail).toContain('overlaps slot-a at U10-U11');
    }
    // directly above and below are free
    expect((await post('/api/servers', serverBody(rack.id, { u_position: 12 }))).status).toBe(201);
    expect((await post('/api/servers', serverBody(rack.id, { u_position: 8, u_size: 2 }))).status).toBe(201);
    expect(a.u_position).toBe(10);
  });

  it('refuses overlaps between items of one bulk request, naming the later item', async () => {
    const rack = await newRack();
    const res = await expectNothingWritten(() =>
      post('/api/servers', [
        serverBody(rack.id, { u_position: 20, u_size: 2 }),
        serverBody(rack.id, { u_position: 5 }),
        serverBody(rack.id, { u_position: 21 }),
      ]),
    );
    const p = expectProblem(res, 409, ['[2].u_position'], true);
    expect(p.detail).toMatch(/U21 of .* overlaps/);
  });

  it('refuses a server reaching past the top of the rack', async () => {
    const rack = await newRack({ u_capacity: 42 });
    const res = await expectNothingWritten(() =>
      post('/api/servers', serverBody(rack.id, { u_position: 41, u_size: 4 })),
    );
    const p = expectProblem(res, 409, ['u_position'], true);
    expect(p.detail).toContain('U41-U44');
    expect(p.detail).toContain('beyond the top');
    expectProblem(await post('/api/servers', serverBody(rack.id, { u_position: 43 })), 409, ['u_position'], true);
    // exactly filling the top U is fine
    expect((await post('/api/servers', serverBody(rack.id, { u_position: 39, u_size: 4 }))).status).toBe(201);
  });
});

describe('rack power budget', () => {
  it('refuses an allocation above power_capacity_kw; decommissioned servers do not count', async () => {
    const rack = await newRack({ power_capacity_kw: 2 }); // 2000 W
    const off = await createServer(admin, {
      rack_id: rack.id,
      u_position: 1,
      power_supply_w: 1500,
      status: 'decommissioned',
    });
    const on = await createServer(admin, { rack_id: rack.id, u_position: 2, power_supply_w: 1500 });
    // 1500 W allocated; 1500 + 600 = 2100 W > 2000 W
    const res = await expectNothingWritten(() =>
      post('/api/servers', serverBody(rack.id, { u_position: 3, power_supply_w: 600 })),
    );
    const p = expectProblem(res, 409, ['power_supply_w'], true);
    expect(p.detail).toContain('2.10 kW');
    expect(p.detail).toContain('2 kW power capacity');
    // exactly at the budget is fine: 1500 + 500 = 2000 W
    const fits = await post('/api/servers', serverBody(rack.id, { u_position: 3, power_supply_w: 500 }));
    expect(fits.status, fits.text).toBe(201);
    // bringing the decommissioned server back would exceed it
    expectProblem(await patch(`/api/servers/${off.id}`, { status: 'active' }), 409, ['power_supply_w'], true);
    // raising a power supply too
    expectProblem(await patch(`/api/servers/${on.id}`, { power_supply_w: 1600 }), 409, ['power_supply_w'], true);
    expect((await api(`/api/servers/${off.id}`, { token: admin })).body.status).toBe('decommissioned');
  });

  it('names the bulk item that tips the budget', async () => {
    const rack = await newRack({ power_capacity_kw: 1 });
    const res = await post('/api/servers', [
      serverBody(rack.id, { u_position: 1, power_supply_w: 400 }),
      serverBody(rack.id, { u_position: 2, power_supply_w: 400 }),
      serverBody(rack.id, { u_position: 3, power_supply_w: 400 }),
    ]);
    expectProblem(res, 409, ['[2].power_supply_w'], true);
  });
});

describe('moving servers', () => {
  it('refuses a move (rack_id / u_position) into taken slots, allows one into free ones', async () => {
    const r1 = await newRack();
    const r2 = await newRack();
    const blocker = await createServer(admin, {
      rack_id: r2.id,
      name: uniqueName('blocker'),
      u_position: 5,
      u_size: 2,
    });
    const mover = await createServer(admin, { rack_id: r1.id, u_position: 1, u_size: 2 });
    const other = await createServer(admin, { rack_id: r1.id, u_position: 3 });

    const into = await expectNothingWritten(() => patch(`/api/servers/${mover.id}`, { rack_id: r2.id, u_position: 6 }));
    expect(expectProblem(into, 409, ['u_position'], true).detail).toContain(`overlaps ${blocker.name}`);
    // same rack, onto its neighbour
    expectProblem(await patch(`/api/servers/${mover.id}`, { u_position: 2 }), 409, ['u_position'], true);
    // growing into the neighbour
    expectProblem(await patch(`/api/servers/${mover.id}`, { u_size: 3 }), 409, ['u_position'], true);
    // moving over its own old slots is not a clash with itself
    const shifted = await patch(`/api/servers/${other.id}`, { u_position: 4, u_size: 2 });
    expect(shifted.status, shifted.text).toBe(200);
    expect((await patch(`/api/servers/${other.id}`, { u_position: 3 })).status).toBe(200);
    // into free slots of the other rack
    const moved = await patch(`/api/servers/${mover.id}`, { rack_id: r2.id, u_position: 10 });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ rack_id: r2.id, u_position: 10, u_size: 2 });
    // moving into a rack that does not exist
    expectProblem(await patch(`/api/servers/${mover.id}`, { rack_id: 999999 }), 422, ['rack_id'], true);
  });
});

describe('shrinking racks', () => {
  it('refuses a u_capacity below a mounted server and a power capacity below the allocation', async () => {
    const rack = await newRack({ u_capacity: 42, power_capacity_kw: 10 });
    await createServer(admin, {
      rack_id: rack.id,
      name: uniqueName('tall'),
      u_position: 30,
      u_size: 4,
      power_supply_w: 3000,
    });
    await createServer(admin, { rack_id: rack.id, u_position: 1, power_supply_w: 2000 });

    const u = await expectNothingWritten(() => patch(`/api/racks/${rack.id}`, { u_capacity: 32 }));
    expect(expectProblem(u, 409, ['u_capacity'], true).detail).toContain('needs at least 33U');
    const kw = await patch(`/api/racks/${rack.id}`, { power_capacity_kw: 4.9 });
    expect(expectProblem(kw, 409, ['power_capacity_kw'], true).detail).toContain('5.00 kW');
    expectProblem(
      await patch(`/api/racks/${rack.id}`, { u_capacity: 20, power_capacity_kw: 1 }),
      409,
      ['u_capacity', 'power_capacity_kw'],
      true,
    );
    // down to exactly what it holds is fine
    const ok = await patch(`/api/racks/${rack.id}`, { u_capacity: 33, power_capacity_kw: 5 });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ u_capacity: 33, power_capacity_kw: 5 });
  });
});

describe('deleting what is still referenced', () => {
  it('refuses to delete a datacenter with racks or a rack with servers, and succeeds once emptied', async () => {
    const site = await createDatacenter(admin);
    const rack = await createRack(admin, { datacenter_id: site.id });
    const server = await createServer(admin, { rack_id: rack.id });

    const dcRes = await expectNothingWritten(() =>
      api(`/api/datacenters/${site.id}`, { method: 'DELETE', token: admin }),
    );
    const p1 = expectProblem(dcRes, 409, ['id'], true);
    expect(p1.detail).toBe(`Datacenter ${site.id} still has 1 racks; move or delete them first.`);
    expect(p1.blocking).toEqual(['1 racks']);
    const rackRes = await api(`/api/racks/${rack.id}`, { method: 'DELETE', token: admin });
    expect(expectProblem(rackRes, 409, ['id'], true).detail).toContain('1 servers');

    expect((await api(`/api/servers/${server.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await api(`/api/racks/${rack.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await api(`/api/datacenters/${site.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    for (const path of [`/api/servers/${server.id}`, `/api/racks/${rack.id}`, `/api/datacenters/${site.id}`]) {
      expectProblem(await api(path, { token: admin }), 404);
      expectProblem(await api(path, { method: 'DELETE', token: admin }), 404);
    }
  });
});

describe('uniqueness', () => {
  it('datacenter names', async () => {
    const res = await expectNothingWritten(() => post('/api/datacenters', { name: dc.name }));
    const p = expectProblem(res, 409, ['name'], true);
    expect(p.detail).toContain(`name "${dc.name}"`);
    // renaming another one onto it too
    const other = await createDatacenter(admin);
    expectProblem(await patch(`/api/datacenters/${other.id}`, { name: dc.name }), 409, ['name'], true);
    // and twice in one bulk request
    expectProblem(await post('/api/datacenters', [{ name: 'twin-dc' }, { name: 'twin-dc' }]), 409, ['[1].name'], true);
  });

  it('rack names within a datacenter (the same name elsewhere is fine)', async () => {
    const rack = await newRack({ name: 'RACK-DUP' });
    const dup = await expectNothingWritten(() => post('/api/racks', rackBody(dc.id, { name: 'RACK-DUP' })));
    expect(expectProblem(dup, 409, ['name'], true).detail).toContain('RACK-DUP');
    const elsewhere = await createDatacenter(admin);
    const ok = await post('/api/racks', rackBody(elsewhere.id, { name: 'RACK-DUP' }));
    expect(ok.status, ok.text).toBe(201);
    // moving the other one into the first datacenter clashes
    expectProblem(await patch(`/api/racks/${ok.body.id}`, { datacenter_id: dc.id }), 409, ['name'], true);
    expect(rack.name).toBe('RACK-DUP');
  });

  it('server names and serial numbers', async () => {
    const rack = await newRack();
    const s = await createServer(admin, {
      rack_id: rack.id,
      name: 'srv-unique',
      serial_number: 'SERIAL-1',
      u_position: 1,
    });
    const byName = await post('/api/servers', serverBody(rack.id, { name: 'srv-unique', u_position: 5 }));
    expectProblem(byName, 409, ['name'], true);
    const bySerial = await post('/api/servers', serverBody(rack.id, { serial_number: 'SERIAL-1', u_position: 5 }));
    expect(expectProblem(bySerial, 409, ['serial_number'], true).detail).toContain('SERIAL-1');
    const both = await post(
      '/api/servers',
      serverBody(rack.id, { name: 'srv-unique', serial_number: 'SERIAL-1', u_position: 5 }),
    );
    expectProblem(both, 409, ['name', 'serial_number'], true);
    expectProblem(
      await post('/api/servers', [
        serverBody(rack.id, { u_position: 7, serial_number: 'SERIAL-2' }),
        serverBody(rack.id, { u_position: 8, serial_number: 'SERIAL-2' }),
      ]),
      409,
      ['[1].serial_number'],
      true,
    );
    // PATCH with its own current values is not a conflict with itself
    expect((await patch(`/api/servers/${s.id}`, { name: 'srv-unique', serial_number: 'SERIAL-1' })).status).toBe(200);
  });
});

describe('references', () => {
  it('refuses a rack or datacenter that does not exist with 422 naming the field', async () => {
    const r = await expectNothingWritten(() => post('/api/servers', serverBody(999999)));
    expect(expectProblem(r, 422, ['rack_id'], true).errors![0].message).toBe('Rack 999999 does not exist');
    const d = await post('/api/racks', rackBody(999999));
    expect(expectProblem(d, 422, ['datacenter_id'], true).errors![0].message).toBe('Datacenter 999999 does not exist');
    const rack = await newRack();
    expectProblem(
      await post('/api/servers', [serverBody(rack.id, { u_position: 1 }), serverBody(888888, { u_position: 2 })]),
      422,
      ['[1].rack_id'],
      true,
    );
    expectProblem(await patch(`/api/racks/${rack.id}`, { datacenter_id: 999999 }), 422, ['datacenter_id'], true);
  });

  it('left no audit entry for any refused write in this file', async () => {
    // every server/rack/datacenter audit "create" points at a row that exists or was deleted later with an audit entry
    const creates = await auditRows("action = 'create' AND entity_type IN ('server','rack','datacenter')");
    const deletes = new Set((await auditRows("action = 'delete'")).map((r) => `${r.entity_type}:${r.entity_id}`));
    const live = new Set<string>();
    for (const t of ['server', 'rack', 'datacenter'] as const) {
      const rows = await api(`/api/${t}s?limit=1000`, { token: admin });
      for (const row of rows.body) live.add(`${t}:${row.id}`);
    }
    for (const c of creates) {
      const key = `${c.entity_type}:${c.entity_id}`;
      expect(live.has(key) !== deletes.has(key), key).toBe(true);
    }
    expect(creates.length).toBe(live.size + deletes.size);
  });
});

describe('names and serials are unique regardless of case', () => {
  it('refuses a name or serial that differs only in case, and lets an object change its own case', async () => {
    const admin = await adminToken();
    const dc = await createDatacenter(admin, { name: uniqueName('Site-CASE') });
    expectProblem(await api('/api/datacenters', { token: admin, json: { name: dc.name.toLowerCase() } }), 409, [
      'name',
    ]);
    const rename = await api(`/api/datacenters/${dc.id}`, {
      method: 'PATCH',
      token: admin,
      json: { name: dc.name.toUpperCase() },
    });
    expect(rename.status, rename.text).toBe(200);

    const rack = await createRack(admin, { datacenter_id: dc.id, name: 'Row-A-01' });
    expectProblem(await api('/api/racks', { token: admin, json: rackBody(dc.id, { name: 'ROW-a-01' }) }), 409, [
      'name',
    ]);

    const srv = await createServer(admin, { rack_id: rack.id, serial_number: 'AbC123XyZ' });
    const dup = await api('/api/servers', {
      token: admin,
      json: serverBody(rack.id, { u_position: 5, serial_number: 'abc123xyz' }),
    });
    expectProblem(dup, 409, ['serial_number']);
    const sameName = await api('/api/servers', {
      token: admin,
      json: serverBody(rack.id, { u_position: 7, name: srv.name.toUpperCase() }),
    });
    expectProblem(sameName, 409, ['name']);
  });
});
