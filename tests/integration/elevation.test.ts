import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, asRole, createRack, createServer, expectProblem, type Row } from '../helpers';

let admin: string;
let viewer: string;
let rack: Row;
let a: Row, b: Row, c: Row;

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  // a 10U rack with a 5 kW budget:
  //   U10-U8  c (3U, 1000 W)
  //   U7-U6   free
  //   U5      b (1U, 300 W, decommissioned: keeps its slot, draws no budget)
  //   U4-U3   free
  //   U2-U1   a (2U, 500 W)
  rack = await createRack(admin, { name: 'ELEV-1', u_capacity: 10, power_capacity_kw: 5 });
  a = await createServer(admin, { rack_id: rack.id, name: 'elev-a', u_position: 1, u_size: 2, power_supply_w: 500 });
  b = await createServer(admin, {
    rack_id: rack.id,
    name: 'elev-b',
    u_position: 5,
    u_size: 1,
    power_supply_w: 300,
    status: 'decommissioned',
    server_type: 'Storage',
  });
  c = await createServer(admin, {
    rack_id: rack.id,
    name: 'elev-c',
    u_position: 8,
    u_size: 3,
    power_supply_w: 1000,
    server_type: 'GPU',
    manufacturer: 'NVIDIA',
    model: 'DGX',
  });
});

describe('GET /api/racks/{id}/elevation', () => {
  it('lists every U top-down with its device, the device spans, free runs and the power allocation', async () => {
    const res = await api(`/api/racks/${rack.id}/elevation`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    const e = res.body;
    expect(e.rack).toMatchObject({ id: rack.id, name: 'ELEV-1', u_capacity: 10, power_capacity_kw: 5 });
    expect(e.rack_id).toBe(rack.id);
    expect(e.u_capacity).toBe(10);
    expect(e.units).toEqual([
      { u: 10, device_id: c.id, kind: 'server', rear_device_id: c.id, rear_kind: 'server' },
      { u: 9, device_id: c.id, kind: 'server', rear_device_id: c.id, rear_kind: 'server' },
      { u: 8, device_id: c.id, kind: 'server', rear_device_id: c.id, rear_kind: 'server' },
      { u: 7, device_id: null, kind: null, rear_device_id: null, rear_kind: null },
      { u: 6, device_id: null, kind: null, rear_device_id: null, rear_kind: null },
      { u: 5, device_id: b.id, kind: 'server', rear_device_id: b.id, rear_kind: 'server' },
      { u: 4, device_id: null, kind: null, rear_device_id: null, rear_kind: null },
      { u: 3, device_id: null, kind: null, rear_device_id: null, rear_kind: null },
      { u: 2, device_id: a.id, kind: 'server', rear_device_id: a.id, rear_kind: 'server' },
      { u: 1, device_id: a.id, kind: 'server', rear_device_id: a.id, rear_kind: 'server' },
    ]);
    // 3 + 1 + 2 = 6U used of 10 -> 60 %
    expect(e.used_u).toBe(6);
    expect(e.free_u).toBe(4);
    expect(e.utilization_pct).toBe(60);
    // two free runs of 2U; equal size, so lowest first
    expect(e.free_ranges).toEqual([
      { from: 3, to: 4, size: 2 },
      { from: 6, to: 7, size: 2 },
    ]);
    // 500 + 1000 W allocated (b is decommissioned) of 5000 W -> 30 %
    expect(e.power).toEqual({ capacity_w: 5000, allocated_w: 1500, utilization_pct: 30 });
    // devices top-down, with their spans
    expect(e.devices.map((d: Row) => [d.name, d.u_position, d.u_size])).toEqual([
      ['elev-c', 8, 3],
      ['elev-b', 5, 1],
      ['elev-a', 1, 2],
    ]);
    expect(e.devices[0]).toMatchObject({
      kind: 'server',
      id: c.id,
      device_type: 'GPU',
      status: 'active',
      health: 'healthy',
      manufacturer: 'NVIDIA',
      model: 'DGX',
      power_supply_w: 1000,
    });
    expect(e.devices[1]).toMatchObject({ id: b.id, status: 'decommissioned', device_type: 'Storage' });
  });

  it('follows moves and deletions', async () => {
    // move a from U1-U2 to U3-U4: the free runs become U1-U2 and U6-U7
    expect((await api(`/api/servers/${a.id}`, { method: 'PATCH', token: admin, json: { u_position: 3 } })).status).toBe(
      200,
    );
    expect((await api(`/api/servers/${b.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    const e = (await api(`/api/racks/${rack.id}/elevation`, { token: viewer })).body;
    // free: U1-U2 and U5-U7 (b is gone)
    expect(e.free_ranges).toEqual([
      { from: 5, to: 7, size: 3 },
      { from: 1, to: 2, size: 2 },
    ]);
    expect(e.used_u).toBe(5);
    expect(e.utilization_pct).toBe(50);
    expect(e.units.filter((u: Row) => u.device_id === a.id).map((u: Row) => u.u)).toEqual([4, 3]);
    expect(e.power.allocated_w).toBe(1500);
  });

  it('shows an empty rack as one free run', async () => {
    const empty = await createRack(admin, { u_capacity: 42, power_capacity_kw: 7.5 });
    const e = (await api(`/api/racks/${empty.id}/elevation`, { token: viewer })).body;
    expect(e.units).toHaveLength(42);
    expect(e.units[0]).toEqual({ u: 42, device_id: null, kind: null, rear_device_id: null, rear_kind: null });
    expect(e.units[41]).toEqual({ u: 1, device_id: null, kind: null, rear_device_id: null, rear_kind: null });
    expect(e.free_ranges).toEqual([{ from: 1, to: 42, size: 42 }]);
    expect(e.devices).toEqual([]);
    expect(e.power).toEqual({ capacity_w: 7500, allocated_w: 0, utilization_pct: 0 });
    expect(e).toMatchObject({ used_u: 0, free_u: 42, utilization_pct: 0 });
  });

  it('answers 404 for a rack that does not exist', async () => {
    expectProblem(await api('/api/racks/999999/elevation', { token: viewer }), 404);
  });
});
