import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  asRole,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  uniqueName,
  withStepUp,
  type Row,
} from '../helpers';

let admin: string;
let viewer: string;
let dc: Row;
let rack: Row;

/** A RAID 6 array of 12 disks, 120 TB raw (100 TB usable), attached to `dc` unless placed in a rack. */
const body = (overrides: Row = {}): Row => ({
  name: uniqueName('ARR'),
  storage_type: 'SAN',
  datacenter_id: dc.id,
  raid_level: '6',
  disk_count: 12,
  raw_capacity_tb: 120,
  ...overrides,
});
async function createSystem(overrides: Row = {}): Promise<Row> {
  const res = await api('/api/storage', { token: admin, json: body(overrides) });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id, u_capacity: 42, power_capacity_kw: 10 });
});

describe('storage systems', () => {
  it('computes usable capacity and the derived fields', async () => {
    const s = await createSystem({ used_tb: 25, encryption: true, rack_id: rack.id, u_position: 20, u_size: 4 });
    // 120 raw over 12 disks in RAID 6: 120 * 10/12 = 100 usable; 25 used -> 25 %, 75 free; 2 disks may fail
    expect(s).toMatchObject({
      usable_capacity_tb: 100,
      used_tb: 25,
      utilization_pct: 25,
      free_tb: 75,
      fault_tolerance_disks: 2,
      encryption: true,
      rack_name: rack.name,
      datacenter_name: dc.name,
      status: 'active',
      replication_mode: 'none',
    });
    const got = await api(`/api/storage/${s.id}`, { token: viewer });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ usable_capacity_tb: 100, fault_tolerance_disks: 2, free_tb: 75 });

    // RAID 10 over the same 12 disks: 60 usable, so 25 used -> 41.7 %
    const patched = await api(`/api/storage/${s.id}`, { method: 'PATCH', token: admin, json: { raid_level: '10' } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ usable_capacity_tb: 60, utilization_pct: 41.7, fault_tolerance_disks: 1 });
  });

  it('ignores a usable capacity sent by the client', async () => {
    const s = await createSystem({ usable_capacity_tb: 999 });
    expect(s.usable_capacity_tb).toBe(100);
  });

  it('refuses impossible RAID layouts with 422 naming disk_count', async () => {
    const r6 = expectProblem(
      await api('/api/storage', { token: admin, json: body({ disk_count: 3 }) }),
      422,
      ['disk_count'],
      true,
    );
    expect(r6.errors![0].message).toBe('RAID 6 needs at least 4 disks; 3 given');
    expectProblem(
      await api('/api/storage', { token: admin, json: body({ raid_level: '10', disk_count: 5 }) }),
      422,
      ['disk_count'],
      true,
    );
    // and on update: a RAID 5 array of 3 disks cannot become RAID 6
    const s = await createSystem({ raid_level: '5', disk_count: 3, raw_capacity_tb: 30 });
    expect(s.usable_capacity_tb).toBe(20);
    expectProblem(
      await api(`/api/storage/${s.id}`, { method: 'PATCH', token: admin, json: { raid_level: '6' } }),
      422,
      ['disk_count'],
    );
    // bulk creates name the item
    expectProblem(
      await api('/api/storage', { token: admin, json: [body(), body({ disk_count: 2 })] }),
      422,
      ['[1].disk_count'],
      true,
    );
  });

  it('refuses more used than usable', async () => {
    expectProblem(await api('/api/storage', { token: admin, json: body({ used_tb: 100.5 }) }), 422, ['used_tb'], true);
    const s = await createSystem({ used_tb: 80 });
    // shrinking the array under what is used: 80 TB used, RAID 10 leaves 60
    expectProblem(
      await api(`/api/storage/${s.id}`, { method: 'PATCH', token: admin, json: { raid_level: '10' } }),
      422,
      ['used_tb'],
    );
  });

  it('checks placement fields: a U in a rack, the rack in the same datacenter', async () => {
    expectProblem(
      await api('/api/storage', { token: admin, json: body({ rack_id: rack.id }) }),
      422,
      ['u_position'],
      true,
    );
    const other = await createDatacenter(admin);
    expectProblem(
      await api('/api/storage', {
        token: admin,
        json: body({ datacenter_id: other.id, rack_id: rack.id, u_position: 30 }),
      }),
      422,
      ['rack_id'],
    );
    expectProblem(await api('/api/storage', { token: admin, json: body({ rack_id: 999999, u_position: 30 }) }), 422, [
      'rack_id',
    ]);
  });

  it('refuses a duplicate name, whatever its case', async () => {
    const s = await createSystem();
    expectProblem(await api('/api/storage', { token: admin, json: body({ name: s.name.toUpperCase() }) }), 409, [
      'name',
    ]);
  });

  it('lists with filters, search and sort', async () => {
    const d = await createDatacenter(admin);
    const a = await createSystem({
      datacenter_id: d.id,
      storage_type: 'NAS',
      encryption: true,
      manufacturer: 'NetApp',
    });
    const b = await createSystem({
      datacenter_id: d.id,
      storage_type: 'Object',
      raid_level: '5',
      disk_count: 4,
      raw_capacity_tb: 16,
    });
    const all = await api(`/api/storage?datacenter_id=${d.id}&sort=usable_capacity_tb`, { token: viewer });
    expect(all.status, all.text).toBe(200);
    expect(all.headers.get('X-Total-Count')).toBe('2');
    expect(all.body.map((r: Row) => r.id)).toEqual([b.id, a.id]);
    const nas = await api(`/api/storage?datacenter_id=${d.id}&storage_type=NAS`, { token: viewer });
    expect(nas.body.map((r: Row) => r.id)).toEqual([a.id]);
    const enc = await api(`/api/storage?datacenter_id=${d.id}&encryption=true`, { token: viewer });
    expect(enc.body.map((r: Row) => r.id)).toEqual([a.id]);
    const raid5 = await api(`/api/storage?datacenter_id=${d.id}&raid_level=5`, { token: viewer });
    expect(raid5.body.map((r: Row) => r.id)).toEqual([b.id]);
    const q = await api(`/api/storage?datacenter_id=${d.id}&q=netapp`, { token: viewer });
    expect(q.body.map((r: Row) => r.id)).toEqual([a.id]);
    expectProblem(await api('/api/storage?storage_type=Tape', { token: viewer }), 422, ['query.storage_type']);
  });

  it('lets a viewer read but not write', async () => {
    expectProblem(await api('/api/storage', { token: viewer, json: body() }), 403);
  });
});

describe('storage in a rack', () => {
  it('shares U slots with servers, both ways (409)', async () => {
    const r = await createRack(admin, { datacenter_id: dc.id, u_capacity: 42, power_capacity_kw: 20 });
    await createServer(admin, { rack_id: r.id, u_position: 10, u_size: 2 });
    // the server takes U10-U11; a 4U array at U8 would take U8-U11
    expectProblem(
      await api('/api/storage', { token: admin, json: body({ rack_id: r.id, u_position: 8, u_size: 4 }) }),
      409,
      ['u_position'],
    );
    const s = await createSystem({ rack_id: r.id, u_position: 20, u_size: 4 });
    // the array takes U20-U23; a server at U22 overlaps it
    expectProblem(
      await api('/api/servers', {
        token: admin,
        json: { name: uniqueName('SRV'), rack_id: r.id, serial_number: uniqueName('SN'), u_position: 22, u_size: 1 },
      }),
      409,
      ['u_position'],
    );
    const e = (await api(`/api/racks/${r.id}/elevation`, { token: viewer })).body;
    expect(e.units.filter((u: Row) => u.kind === 'storage').map((u: Row) => u.u)).toEqual([23, 22, 21, 20]);
    expect(e.units.find((u: Row) => u.u === 20).device_id).toBe(s.id);
  });

  it("counts storage power against the rack's budget", async () => {
    // a 2 kW rack: a 1500 W server leaves 500 W; an 800 W array does not fit, a 500 W one does
    const r = await createRack(admin, { datacenter_id: dc.id, u_capacity: 42, power_capacity_kw: 2 });
    await createServer(admin, { rack_id: r.id, u_position: 1, power_supply_w: 1500 });
    expectProblem(
      await api('/api/storage', { token: admin, json: body({ rack_id: r.id, u_position: 10, power_w: 800 }) }),
      409,
      ['power_w'],
    );
    await createSystem({ rack_id: r.id, u_position: 10, power_w: 500 });
    const got = (await api(`/api/racks/${r.id}`, { token: viewer })).body;
    expect(got.allocated_w).toBe(2000);
    // now full: one more watt on a server is refused
    expectProblem(
      await api('/api/servers', {
        token: admin,
        json: {
          name: uniqueName('SRV'),
          rack_id: r.id,
          serial_number: uniqueName('SN'),
          u_position: 30,
          power_supply_w: 1,
        },
      }),
      409,
    );
  });

  it('keeps a rack holding storage from being deleted', async () => {
    const r = await createRack(admin, { datacenter_id: dc.id });
    const s = await createSystem({ rack_id: r.id, u_position: 1 });
    const p = expectProblem(await api(`/api/racks/${r.id}`, { method: 'DELETE', token: admin }), 409);
    expect(p.detail).toContain('1 storage systems');
    expect((await api(`/api/storage/${s.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await api(`/api/racks/${r.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
  });
});

describe('snapshots', () => {
  it('creates, lists, reads and deletes snapshot records, with expiry after the retention', async () => {
    const s = await createSystem({ used_tb: 99 });
    const created = await api(`/api/storage/${s.id}/snapshots`, {
      token: admin,
      json: { name: 'nightly-1', volume: 'vol0', size_gb: 250, retention_days: 30 },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('Location')).toBe(`/api/storage/${s.id}/snapshots/${created.body.id}`);
    const snap = created.body;
    expect(snap).toMatchObject({
      storage_id: s.id,
      name: 'nightly-1',
      volume: 'vol0',
      size_gb: 250,
      retention_days: 30,
    });
    // 30 days = 2,592,000,000 ms after it was taken, to the millisecond
    expect(Date.parse(snap.expires_at) - Date.parse(snap.created_at)).toBe(30 * 86_400_000);

    const dflt = await api(`/api/storage/${s.id}/snapshots`, { token: admin, json: { name: 'adhoc', size_gb: 1 } });
    expect(dflt.status, dflt.text).toBe(201);
    expect(dflt.body.retention_days).toBe(7);
    expect(Date.parse(dflt.body.expires_at) - Date.parse(dflt.body.created_at)).toBe(7 * 86_400_000);

    const list = await api(`/api/storage/${s.id}/snapshots`, { token: viewer });
    expect(list.status, list.text).toBe(200);
    expect(list.headers.get('X-Total-Count')).toBe('2');
    expect(list.body.map((r: Row) => r.name)).toEqual(['adhoc', 'nightly-1']);
    expect((await api(`/api/storage/${s.id}/snapshots/${snap.id}`, { token: viewer })).body.name).toBe('nightly-1');

    // the name is unique per system (any case), not across systems
    expectProblem(
      await api(`/api/storage/${s.id}/snapshots`, { token: admin, json: { name: 'NIGHTLY-1', size_gb: 1 } }),
      409,
      ['name'],
    );
    const other = await createSystem();
    expect(
      (await api(`/api/storage/${other.id}/snapshots`, { token: admin, json: { name: 'nightly-1', size_gb: 1 } }))
        .status,
    ).toBe(201);
    // a snapshot is only found under its own system
    expectProblem(await api(`/api/storage/${other.id}/snapshots/${snap.id}`, { token: viewer }), 404);

    expect((await api(`/api/storage/${s.id}/snapshots/${snap.id}`, { method: 'DELETE', token: admin })).status).toBe(
      204,
    );
    expectProblem(await api(`/api/storage/${s.id}/snapshots/${snap.id}`, { token: viewer }), 404);
    expect((await api(`/api/storage/${s.id}/snapshots`, { token: viewer })).body.map((r: Row) => r.name)).toEqual([
      'adhoc',
    ]);
  });

  it('refuses a snapshot larger than the free capacity (409) and a bad retention (422)', async () => {
    // 100 usable - 99.5 used = 0.5 TB = 500 GB free
    const s = await createSystem({ used_tb: 99.5 });
    const p = expectProblem(
      await api(`/api/storage/${s.id}/snapshots`, { token: admin, json: { name: 'big', size_gb: 501 } }),
      409,
      ['size_gb'],
      true,
    );
    expect(p.errors![0].message).toContain('500 GB free');
    expect(
      (await api(`/api/storage/${s.id}/snapshots`, { token: admin, json: { name: 'fits', size_gb: 500 } })).status,
    ).toBe(201);
    expectProblem(
      await api(`/api/storage/${s.id}/snapshots`, { token: admin, json: { name: 'r', size_gb: 1, retention_days: 0 } }),
      422,
      ['retention_days'],
    );
    expectProblem(
      await api(`/api/storage/${s.id}/snapshots`, {
        token: admin,
        json: { name: 'r', size_gb: 1, retention_days: 3651 },
      }),
      422,
      ['retention_days'],
    );
    expectProblem(await api(`/api/storage/999999/snapshots`, { token: admin, json: { name: 'x', size_gb: 1 } }), 404);
  });

  it('deletes the snapshots with their system', async () => {
    const s = await createSystem();
    await api(`/api/storage/${s.id}/snapshots`, { token: admin, json: { name: 'gone', size_gb: 1 } });
    expect((await api(`/api/storage/${s.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expectProblem(await api(`/api/storage/${s.id}/snapshots`, { token: admin }), 404);
  });
});

describe('summary', () => {
  it('totals the systems of a datacenter per type', async () => {
    const d = await createDatacenter(admin);
    await createSystem({ datacenter_id: d.id, used_tb: 25, encryption: true });
    await createSystem({
      datacenter_id: d.id,
      storage_type: 'NAS',
      raid_level: '1',
      disk_count: 2,
      raw_capacity_tb: 16,
      used_tb: 4,
      replication_mode: 'async',
      replication_target: 'dr-site',
    });
    const res = await api(`/api/storage/summary?datacenter_id=${d.id}`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    // raw 120 + 16 = 136; usable 100 + 8 = 108; used 29 -> 26.9 %
    expect(res.body.overall).toEqual({
      count: 2,
      raw_tb: 136,
      usable_tb: 108,
      used_tb: 29,
      free_tb: 79,
      utilization_pct: 26.9,
      encrypted: 1,
      replicated: 1,
    });
    expect(res.body.by_type.find((t: Row) => t.storage_type === 'NAS')).toMatchObject({
      count: 1,
      usable_tb: 8,
      utilization_pct: 50,
    });
    expectProblem(await api('/api/storage/summary?datacenter_id=abc', { token: viewer }), 422);
  });
});

describe('clearance', () => {
  let zoneDc: Row;
  const systems: Record<string, Row> = {};
  beforeAll(async () => {
    await withStepUp(admin);
    zoneDc = await createDatacenter(admin);
    for (const zone of ['Internal', 'Confidential', 'Top Secret']) {
      const r = await createRack(admin, { datacenter_id: zoneDc.id, security_zone: zone });
      systems[zone] = await createSystem({ datacenter_id: zoneDc.id, rack_id: r.id, u_position: 1 });
    }
    systems.none = await createSystem({ datacenter_id: zoneDc.id });
  });

  it('hides systems in racks above the caller’s clearance: 404 and absent from lists and the summary', async () => {
    const list = await api(`/api/storage?datacenter_id=${zoneDc.id}`, { token: viewer });
    expect(list.body.map((r: Row) => r.id).sort((a: number, b: number) => a - b)).toEqual(
      [systems.Internal.id, systems.none.id].sort((a, b) => a - b),
    );
    expect(list.headers.get('X-Total-Count')).toBe('2');
    for (const zone of ['Confidential', 'Top Secret']) {
      expectProblem(await api(`/api/storage/${systems[zone].id}`, { token: viewer }), 404);
      expectProblem(await api(`/api/storage/${systems[zone].id}/snapshots`, { token: viewer }), 404);
    }
    const hidden = systems.Confidential.name;
    expect((await api(`/api/storage?q=${encodeURIComponent(hidden)}`, { token: viewer })).body).toEqual([]);
    const sum = await api(`/api/storage/summary?datacenter_id=${zoneDc.id}`, { token: viewer });
    expect(sum.body.overall.count).toBe(2);
    const all = await api(`/api/storage?datacenter_id=${zoneDc.id}`, { token: admin });
    expect(all.headers.get('X-Total-Count')).toBe('4');
  });

  it('hides the snapshots of a hidden system', async () => {
    const snap = await api(`/api/storage/${systems.Confidential.id}/snapshots`, {
      token: admin,
      json: { name: 'secret', size_gb: 1 },
    });
    expect(snap.status, snap.text).toBe(201);
    expectProblem(
      await api(`/api/storage/${systems.Confidential.id}/snapshots/${snap.body.id}`, { token: viewer }),
      404,
    );
  });
});
