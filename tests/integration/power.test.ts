import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  expectProblem,
  uniqueName,
  withStepUp,
  type Row,
} from '../helpers';

// A hand-built A/B chain in one datacenter:
//   feeds A and B: 230 V x 32 A single-phase, 80 % usable = 5.888 kW each
//   rack R1: PDUs A1 (feed A) and B1 (feed B), zero-U; s1 600 W on A1 + B1, s2 400 W only on A1
//   rack R2: PDU A2 (feed A); s3 300 W on A2; s4 250 W with no supply recorded
//   rack TS (Top Secret): PDU T1 (feed B); s5 500 W on T1 + nothing else
let admin: string;
let viewer: string;
let dc: Row, otherDc: Row;
let feedA: Row, feedB: Row;
let r1: Row, r2: Row, ts: Row;
let a1: Row, b1: Row, a2: Row, t1: Row;
let s1: Row, s2: Row, s3: Row, s4: Row, s5: Row;

const post = async (path: string, json: Row) => {
  const res = await api(path, { token: admin, json });
  expect(res.status, `${path}: ${res.text}`).toBe(201);
  return res.body as Row;
};
const feedBody = (over: Row = {}) => ({ name: uniqueName('FEED'), datacenter_id: dc.id, ...over });
const pduBody = (rack_id: number, feed_id: number | null, over: Row = {}) => ({
  name: uniqueName('PDU'),
  rack_id,
  feed_id,
  u_position: null,
  outlets: 8,
  capacity_kw: 7.4,
  ...over,
});
const plug = (device_id: number, pdu_id: number, outlet: number, name = 'PSU1') =>
  post('/api/power/supplies', { device_kind: 'server', device_id, pdu_id, outlet, name });

beforeAll(async () => {
  admin = await adminToken();
  await withStepUp(admin);
  viewer = (await createUser('viewer', admin)).token;
  dc = await createDatacenter(admin);
  otherDc = await createDatacenter(admin);
  feedA = await post('/api/power/feeds', feedBody({ side: 'A' }));
  feedB = await post('/api/power/feeds', feedBody({ side: 'B', source: 'ups' }));
  r1 = await createRack(admin, { datacenter_id: dc.id, row: 'A', position: 1 });
  r2 = await createRack(admin, { datacenter_id: dc.id, row: 'A', position: 2 });
  ts = await createRack(admin, { datacenter_id: dc.id, row: 'B', position: 1, security_zone: 'Top Secret' });
  a1 = await post('/api/power/pdus', pduBody(r1.id, feedA.id));
  b1 = await post('/api/power/pdus', pduBody(r1.id, feedB.id));
  a2 = await post('/api/power/pdus', pduBody(r2.id, feedA.id, { u_position: 42 }));
  t1 = await post('/api/power/pdus', pduBody(ts.id, feedB.id));
  s1 = await createServer(admin, { rack_id: r1.id, u_position: 1, power_supply_w: 600 });
  s2 = await createServer(admin, { rack_id: r1.id, u_position: 2, power_supply_w: 400 });
  s3 = await createServer(admin, { rack_id: r2.id, u_position: 1, power_supply_w: 300 });
  s4 = await createServer(admin, { rack_id: r2.id, u_position: 2, power_supply_w: 250 });
  s5 = await createServer(admin, { rack_id: ts.id, u_position: 1, power_supply_w: 500 });
  await plug(s1.id, a1.id, 1);
  await plug(s1.id, b1.id, 1, 'PSU2');
  await plug(s2.id, a1.id, 2);
  await plug(s3.id, a2.id, 1);
  await plug(s5.id, t1.id, 1);
});

describe('power feeds', () => {
  it('computes capacity, usable, PDU count and allocation', async () => {
    const res = await api(`/api/power/feeds/${feedA.id}`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    // 230 x 32 = 7.36 kW, 80 % = 5.888 kW; A1 + A2 visible; s1 300 + s2 400 + s3 300 = 1.0 kW
    expect(res.body).toMatchObject({ capacity_kw: 7.36, usable_kw: 5.888, pdu_count: 2, allocated_kw: 1 });
    const three = await post('/api/power/feeds', feedBody({ voltage: 400, phase: 'three-phase' }));
    expect(three).toMatchObject({ capacity_kw: 22.17, usable_kw: 17.736 }); // 400 x 32 x sqrt 3
  });

  it('hides the Top Secret PDU from counts and loads for a viewer without clearance', async () => {
    // feed B: B1 (s1 300 W) and T1 (s5 500 W)
    expect((await api(`/api/power/feeds/${feedB.id}`, { token: admin })).body).toMatchObject({
      pdu_count: 2,
      allocated_kw: 0.8,
    });
    expect((await api(`/api/power/feeds/${feedB.id}`, { token: viewer })).body).toMatchObject({
      pdu_count: 1,
      allocated_kw: 0.3,
    });
  });

  it('validates fields and refuses deleting a feed with PDUs', async () => {
    expectProblem(
      await api('/api/power/feeds', { token: admin, json: feedBody({ phase: 'two-phase', amperage: 0 }) }),
      422,
      ['phase', 'amperage'],
    );
    expectProblem(await api('/api/power/feeds', { token: admin, json: feedBody({ name: feedA.name }) }), 409, ['name']);
    expectProblem(await api(`/api/power/feeds/${feedA.id}`, { method: 'DELETE', token: admin }), 409, ['id']);
    const spare = await post('/api/power/feeds', feedBody());
    const upd = await api(`/api/power/feeds/${spare.id}`, { method: 'PATCH', token: admin, json: { amperage: 16 } });
    expect(upd.body).toMatchObject({ amperage: 16, capacity_kw: 3.68 });
    expect((await api(`/api/power/feeds/${spare.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
  });
});

describe('PDUs', () => {
  it('refuses a feed of another datacenter, naming feed_id', async () => {
    const far = await post('/api/power/feeds', { name: uniqueName('FAR'), datacenter_id: otherDc.id });
    expectProblem(await api('/api/power/pdus', { token: admin, json: pduBody(r1.id, far.id) }), 422, ['feed_id']);
  });

  it('shares U slots with the rack and blocks deleting its rack', async () => {
    // s1 is at U1 of R1
    expectProblem(
      await api('/api/power/pdus', { token: admin, json: pduBody(r1.id, feedA.id, { u_position: 1 }) }),
      409,
      ['u_position'],
    );
    const elev = await api(`/api/racks/${r2.id}/elevation`, { token: admin });
    expect(elev.body.units.find((u: Row) => u.u === 42)).toEqual({
      u: 42,
      device_id: a2.id,
      kind: 'pdu',
      rear_device_id: a2.id,
      rear_kind: 'pdu',
    });
    expectProblem(await api(`/api/racks/${r2.id}`, { method: 'DELETE', token: admin }), 409, ['id']);
  });

  it('lists with computed fields and refuses deleting a PDU with supplies', async () => {
    const res = await api(`/api/power/pdus?rack_id=${r1.id}&sort=name`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    const mine = res.body.find((p: Row) => p.id === a1.id);
    // A1: s1 300 W + s2 400 W
    expect(mine).toMatchObject({ feed_name: feedA.name, feed_side: 'A', supply_count: 2, allocated_kw: 0.7 });
    expectProblem(await api(`/api/power/pdus/${a1.id}`, { method: 'DELETE', token: admin }), 409, ['id']);
  });

  it('cannot shrink below an outlet in use or leave its rack with cords plugged', async () => {
    expectProblem(await api(`/api/power/pdus/${a1.id}`, { method: 'PATCH', token: admin, json: { outlets: 1 } }), 409, [
      'outlets',
    ]);
    expectProblem(
      await api(`/api/power/pdus/${a1.id}`, { method: 'PATCH', token: admin, json: { rack_id: r2.id } }),
      409,
      ['rack_id'],
    );
  });
});

describe('power supplies', () => {
  it('refuses an outlet beyond the PDU (422) and one already used (409)', async () => {
    expectProblem(
      await api('/api/power/supplies', {
        token: admin,
        json: { device_kind: 'server', device_id: s2.id, pdu_id: b1.id, outlet: 9, name: 'PSU2' },
      }),
      422,
      ['outlet'],
    );
    expectProblem(
      await api('/api/power/supplies', {
        token: admin,
        json: { device_kind: 'server', device_id: s2.id, pdu_id: b1.id, outlet: 1, name: 'PSU2' },
      }),
      409,
      ['outlet'],
    );
  });

  it('refuses a missing device, and a PDU of another rack', async () => {
    expectProblem(
      await api('/api/power/supplies', {
        token: admin,
        json: { device_kind: 'storage', device_id: s2.id + 100000, pdu_id: b1.id, outlet: 5 },
      }),
      422,
      ['device_id'],
    );
    expectProblem(
      await api('/api/power/supplies', {
        token: admin,
        json: { device_kind: 'server', device_id: s3.id, pdu_id: b1.id, outlet: 5, name: 'PSU2' },
      }),
      422,
      ['pdu_id'],
    );
  });

  it('creates, updates and deletes a supply', async () => {
    const s = await post('/api/power/supplies', {
      device_kind: 'server',
      device_id: s4.id,
      pdu_id: a2.id,
      outlet: 3,
      max_draw_w: 800,
    });
    // s4 250 W over its one supply
    expect(s).toMatchObject({
      pdu_name: a2.name,
      rack_id: r2.id,
      feed_id: feedA.id,
      device_name: s4.name,
      allocated_w: 250,
    });
    const upd = await api(`/api/power/supplies/${s.id}`, { method: 'PATCH', token: admin, json: { outlet: 4 } });
    expect(upd.body).toMatchObject({ outlet: 4 });
    expect((await api(`/api/power/supplies/${s.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
  });

  it("goes with its device: deleting a server deletes its supplies, and only that kind's", async () => {
    const doomed = await createServer(admin, { rack_id: r2.id, u_position: 30, power_supply_w: 100 });
    const mine = await plug(doomed.id, a2.id, 7);
    // a storage array whose id may equal the server's: its supply must survive the server's delete
    const array = await post('/api/storage', {
      name: uniqueName('pwr-arr'),
      datacenter_id: dc.id,
      rack_id: r2.id,
      u_position: 20,
      u_size: 2,
      raid_level: '6',
      disk_count: 8,
      raw_capacity_tb: 80,
    });
    const other = await post('/api/power/supplies', {
      device_kind: 'storage',
      device_id: array.id,
      pdu_id: a2.id,
      outlet: 8,
    });
    expect((await api(`/api/servers/${doomed.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await api(`/api/power/supplies/${mine.id}`, { token: admin })).status).toBe(404);
    expect((await api(`/api/power/supplies/${other.id}`, { token: admin })).status).toBe(200);
    expect((await api(`/api/storage/${array.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await api(`/api/power/supplies/${other.id}`, { token: admin })).status).toBe(404);
  });

  it('keeps supplies and PDUs of a Top Secret rack out of sight of a viewer', async () => {
    const pdus = await api(`/api/power/pdus?datacenter_id=${dc.id}`, { token: viewer });
    expect(pdus.body.map((p: Row) => p.id)).not.toContain(t1.id);
    expect(pdus.headers.get('X-Total-Count')).toBe('3');
    const supplies = await api(`/api/power/supplies?device_id=${s5.id}`, { token: viewer });
    expect(supplies.body).toEqual([]);
    expectProblem(await api(`/api/power/pdus/${t1.id}`, { token: viewer }), 404);
    // and nobody plugs into what they cannot see: the PDU does not exist for them
    expectProblem(
      await api('/api/power/supplies', {
        token: (await createUser('operator', admin)).token,
        json: { device_kind: 'server', device_id: s5.id, pdu_id: t1.id, outlet: 2, name: 'PSU2' },
      }),
      422,
      ['pdu_id'],
    );
  });
});

describe('GET /api/power/impact', () => {
  it('feed A: s2 and s3 lose all power, s1 loses redundancy, s4 is unmodelled; B takes s1 load', async () => {
    const res = await api(`/api/power/impact?feed_id=${feedA.id}`, { token: admin });
    expect(res.status, res.text).toBe(200);
    const r = res.body;
    const names = (l: Row[]) => l.map((d) => d.name).sort();
    expect(names(r.lost)).toEqual([s2.name, s3.name].sort());
    expect(names(r.degraded)).toEqual([s1.name]);
    expect(names(r.unmodelled)).toEqual([s4.name]);
    expect(r.unaffected_count).toBe(1); // s5, on B only
    // B: s1 300 + s5 500 = 0.8 kW; s1 moves 600 - 300 = 300 W onto it
    expect(r.feeds.find((f: Row) => f.id === feedB.id)).toEqual({
      id: feedB.id,
      name: feedB.name,
      base_kw: 0.8,
      extra_kw: 0.3,
      new_kw: 1.1,
      limit_kw: 5.888,
      overloaded: false,
    });
    expect(r.rack_ids).toEqual([r1.id, r2.id].sort((a, b) => a - b));
    const rack1 = r.racks.find((x: Row) => x.id === r1.id);
    expect(rack1).toMatchObject({ touched: true, worst: 'lost' });
  });

  it('omits what the caller cannot see', async () => {
    const mine = (await api(`/api/power/impact?feed_id=${feedB.id}`, { token: viewer })).body;
    // B fails: s1 degraded; s5 (Top Secret) would be lost, but is absent for the viewer
    expect(mine.lost).toEqual([]);
    expect(mine.degraded.map((d: Row) => d.id)).toEqual([s1.id]);
    expect(mine.racks.map((x: Row) => x.id)).not.toContain(ts.id);
    expect(mine.unaffected_count).toBe(2); // s2, s3
    const all = (await api(`/api/power/impact?feed_id=${feedB.id}`, { token: admin })).body;
    expect(all.lost.map((d: Row) => d.id)).toEqual([s5.id]);
  });

  it('answers 404 for an unknown feed and 422 for a malformed id', async () => {
    expectProblem(await api('/api/power/impact?feed_id=99999999', { token: viewer }), 404);
    expectProblem(await api('/api/power/impact?feed_id=abc', { token: viewer }), 422, ['query.feed_id']);
  });
});

describe('GET /api/power/chain', () => {
  it('gives the tree and per-rack chain capacity against the rack budget', async () => {
    const res = await api(`/api/power/chain?datacenter_id=${dc.id}`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    const c = res.body;
    const a = c.feeds.find((f: Row) => f.id === feedA.id);
    expect(a.pdus.map((p: Row) => p.id).sort()).toEqual([a1.id, a2.id].sort());
    const pa1 = a.pdus.find((p: Row) => p.id === a1.id);
    expect(pa1.supplies.map((s: Row) => [s.device_name, s.outlet, s.allocated_w])).toEqual([
      [s1.name, 1, 300],
      [s2.name, 2, 400],
    ]);
    const b = c.feeds.find((f: Row) => f.id === feedB.id);
    expect(b.pdus.map((p: Row) => p.id)).toEqual([b1.id]); // T1 hidden
    expect(c.racks.map((x: Row) => x.id)).not.toContain(ts.id);
    // R1: A1 gets min(7.4, 5.888 / 2 PDUs on A) = 2.944; B1 gets min(7.4, 5.888 / 1 visible PDU) = 5.888
    const rack1 = c.racks.find((x: Row) => x.id === r1.id);
    expect(rack1).toMatchObject({
      power_capacity_kw: 10,
      allocated_kw: 1,
      a_kw: 2.944,
      b_kw: 5.888,
      redundant_kw: 2.944,
      measured_kw: null,
    });
  });
});
