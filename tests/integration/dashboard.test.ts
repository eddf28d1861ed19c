import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, asRole, createDatacenter, createRack, createServer, type Row } from '../helpers';

// This file's database holds exactly this estate (each test file has its own storage):
//
//   DC-A  pue_target 1.2, 10 MW
//     R1  42U, 10 kW : s1 U1-U2 1000 W active, s2 U3 500 W decommissioned (warranty expired 2020-01-01)
//     R2  42U,  5 kW : s3 U1-U4 2000 W maintenance
//   DC-B  pue_target 1.6, 30 MW
//     R3  48U, 20 kW : s4 U1-U8 10000 W active, GPU
//   DC-C  no pue_target, 50 MW, no racks
//
// Hand-computed:
//   PUE, weighted by power capacity over the DCs that have a target: (1.2*10 + 1.6*30) / 40 = 60/40 = 1.5
//     (unweighted it would be 1.4; counting DC-C's 50 MW it would differ again)
//   DC-A: U 84 total, 2+1+4 = 7 used (a decommissioned server still holds its slot) -> 7/84 = 8.33 % -> 8.3
//         power 15 kW total, 1000 + 2000 W = 3 kW allocated (s2 decommissioned) -> 20 %
//   DC-B: U 48 total, 8 used -> 16.67 % -> 16.7 ; power 20 kW, 10 kW allocated -> 50 %
//   DC-C: 0 / 0 -> 0 %
//   Overall: U 132 total, 15 used, 117 free -> 11.36 % -> 11.4 ; power 35 kW, 13 kW used, 22 free -> 37.14 % -> 37.1

let viewer: string;
const ids: Record<string, number> = {};

beforeAll(async () => {
  const admin = await adminToken();
  viewer = await asRole('viewer', admin);
  const a = await createDatacenter(admin, { name: 'DC-A', pue_target: 1.2, power_capacity_mw: 10, location: 'Lyon' });
  const b = await createDatacenter(admin, { name: 'DC-B', pue_target: 1.6, power_capacity_mw: 30 });
  const c = await createDatacenter(admin, { name: 'DC-C', power_capacity_mw: 50 });
  Object.assign(ids, { a: a.id, b: b.id, c: c.id });
  const r1: Row = await createRack(admin, { datacenter_id: a.id, u_capacity: 42, power_capacity_kw: 10 });
  const r2: Row = await createRack(admin, { datacenter_id: a.id, u_capacity: 42, power_capacity_kw: 5 });
  const r3: Row = await createRack(admin, { datacenter_id: b.id, u_capacity: 48, power_capacity_kw: 20 });
  await createServer(admin, { rack_id: r1.id, u_position: 1, u_size: 2, power_supply_w: 1000 });
  await createServer(admin, {
    rack_id: r1.id,
    u_position: 3,
    u_size: 1,
    power_supply_w: 500,
    status: 'decommissioned',
    warranty_expires: '2020-01-01',
  });
  await createServer(admin, { rack_id: r2.id, u_position: 1, u_size: 4, power_supply_w: 2000, status: 'maintenance' });
  await createServer(admin, {
    rack_id: r3.id,
    u_position: 1,
    u_size: 8,
    power_supply_w: 10000,
    server_type: 'GPU',
    warranty_expires: '2020-01-01',
    health: 'warning',
  });
});

describe('GET /api/dashboard/metrics', () => {
  it('counts the estate and computes the weighted PUE and utilisation', async () => {
    const res = await api('/api/dashboard/metrics', { token: viewer });
    expect(res.status, res.text).toBe(200);
    const m = res.body;
    expect(m).toMatchObject({
      total_servers: 4,
      total_racks: 3,
      total_datacenters: 3,
      active_servers: 2,
      pue: 1.5,
      pue_source: 'design_target',
      active_alerts: 0,
      rack_utilization_pct: 11.4,
      power_utilization_pct: 37.1,
    });
    expect(m.rack_space).toEqual({ total: 132, used: 15, free: 117, utilization_pct: 11.4, unit: 'U' });
    expect(m.power).toEqual({ total: 35, used: 13, free: 22, utilization_pct: 37.1, unit: 'kW' });
    expect(m.servers_by_status).toEqual({ active: 2, decommissioned: 1, maintenance: 1 });
    expect(m.servers_by_type).toEqual({ Compute: 3, GPU: 1 });
    expect(m.servers_by_health).toEqual({ healthy: 3, warning: 1 });
    // decommissioned servers do not count towards warranty exposure
    expect(m.warranty).toEqual({ expired: 1, expiring_90d: 0 });
    expect(Date.parse(m.generated_at)).not.toBeNaN();
  });
});

describe('GET /api/analytics/capacity', () => {
  it('reports rack space and power, overall and per datacenter', async () => {
    const res = await api('/api/analytics/capacity', { token: viewer });
    expect(res.status, res.text).toBe(200);
    const cap = res.body;
    expect(cap.rack_space).toEqual({ total: 132, used: 15, free: 117, utilization_pct: 11.4, unit: 'U' });
    expect(cap.power).toEqual({ total: 35, used: 13, free: 22, utilization_pct: 37.1, unit: 'kW' });
    expect(cap.racks).toBe(3);
    expect(cap.servers).toBe(4);
    expect(cap.datacenters).toEqual([
      {
        id: ids.a,
        name: 'DC-A',
        location: 'Lyon',
        racks: 2,
        servers: 3,
        rack_space: { total: 84, used: 7, free: 77, utilization_pct: 8.3, unit: 'U' },
        power: { total: 15, used: 3, free: 12, utilization_pct: 20, unit: 'kW' },
      },
      {
        id: ids.b,
        name: 'DC-B',
        location: 'Test City',
        racks: 1,
        servers: 1,
        rack_space: { total: 48, used: 8, free: 40, utilization_pct: 16.7, unit: 'U' },
        power: { total: 20, used: 10, free: 10, utilization_pct: 50, unit: 'kW' },
      },
      {
        id: ids.c,
        name: 'DC-C',
        location: 'Test City',
        racks: 0,
        servers: 0,
        rack_space: { total: 0, used: 0, free: 0, utilization_pct: 0, unit: 'U' },
        power: { total: 0, used: 0, free: 0, utilization_pct: 0, unit: 'kW' },
      },
    ]);
  });

  it('follows changes: a server powered down frees its power, not its space', async () => {
    const admin = await adminToken();
    const list = await api('/api/servers?server_type=GPU', { token: viewer });
    const gpu = list.body[0];
    const res = await api(`/api/servers/${gpu.id}`, {
      method: 'PATCH',
      token: admin,
      json: { status: 'decommissioned' },
    });
    expect(res.status).toBe(200);
    const cap = (await api('/api/analytics/capacity', { token: viewer })).body;
    // power: 13 - 10 = 3 kW of 35 -> 8.57 % -> 8.6 ; space unchanged
    expect(cap.power).toEqual({ total: 35, used: 3, free: 32, utilization_pct: 8.6, unit: 'kW' });
    expect(cap.rack_space.used).toBe(15);
    const m = (await api('/api/dashboard/metrics', { token: viewer })).body;
    expect(m.power_utilization_pct).toBe(8.6);
    expect(m.active_servers).toBe(1);
  });

  it('counts every kind in the racks: a switch and a rear panel sharing a U add 1 U and the switch’s power', async () => {
    const admin = await adminToken();
    const r1 = (await api(`/api/racks?datacenter_id=${ids.a}&sort=id`, { token: viewer })).body[0];
    const device = (json: Row) => api('/api/network/devices', { token: admin, json: { rack_id: r1.id, ...json } });
    const sw = await device({
      name: 'DASH-SW',
      device_type: 'access_switch',
      u_position: 10,
      face: 'front',
      is_full_depth: false,
      power_w: 500,
    });
    expect(sw.status, sw.text).toBe(201);
    const pp = await device({
      name: 'DASH-PP',
      device_type: 'patch_panel',
      u_position: 10,
      face: 'rear',
      is_full_depth: false,
    });
    expect(pp.status, pp.text).toBe(201);
    // space: 15 + 1 (two half-depth devices, one U) = 16 of 132 -> 12.1 % ; power: 3 + 0.5 = 3.5 kW of 35 -> 10 %
    const cap = (await api('/api/analytics/capacity', { token: viewer })).body;
    expect(cap.rack_space).toEqual({ total: 132, used: 16, free: 116, utilization_pct: 12.1, unit: 'U' });
    expect(cap.power).toEqual({ total: 35, used: 3.5, free: 31.5, utilization_pct: 10, unit: 'kW' });
    // servers are still servers
    expect(cap.servers).toBe(4);
  });
});
