import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, asRole, createDatacenter, createRack, createServer, expectProblem } from '../helpers';

// One datacenter, two racks of 42 U and 15 kW, cooling 40 kW; forty 1 U, 500 W servers bought one a month, the
// newest this month. The 36 months of history read 5 (the five bought before them), 6, …, 40: growth is exactly
// 1 server, 1 U and 0.5 kW a month, so every forecast is exact:
//   months=6:  servers 41 … 46, power 20.5 … 23 kW; racks of 42 U and 15 kW with 15 % headroom hold 35.7 U and
//              12.75 kW: 46 U → 2, 23 kW → 2; racks_needed 2, none to add
//   months=12: 52 servers, 26 kW → 3 racks (26 / 12.75 = 2.04): one to add
//   exhaustion, usable = 85 %: power 25.5 kW of the racks' 30, reached when 20 + 0.5 m = 25.5, m = 11 months;
//              cooling 34 of 40 kW needs 28 months and space 71.4 of 84 U 31.4: not within 24; compute: no VM hosts

let viewer: string;
let dcId: number;
const monthStart = (ago: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - ago, 1)).toISOString().slice(0, 10);
};

beforeAll(async () => {
  const admin = await adminToken();
  viewer = await asRole('viewer', admin);
  const dc = await createDatacenter(admin, { name: 'DC-Grow', cooling_capacity_mw: 0.04 });
  dcId = dc.id;
  const racks = [
    await createRack(admin, { datacenter_id: dc.id, u_capacity: 42, power_capacity_kw: 15 }),
    await createRack(admin, { datacenter_id: dc.id, u_capacity: 42, power_capacity_kw: 15 }),
  ];
  for (let i = 0; i < 40; i++) {
    await createServer(admin, {
      rack_id: racks[i % 2]!.id,
      u_position: 1 + Math.floor(i / 2),
      u_size: 1,
      power_supply_w: 500,
      purchase_date: monthStart(i),
    });
  }
});

describe('GET /api/analytics/forecast', () => {
  it('forecasts each month ahead with racks needed and an interval (the spec reads forecast[-1].racks_needed)', async () => {
    const res = await api('/api/analytics/forecast?months=6', { token: viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('6');
    const f = res.body as any[];
    expect(f.map((m) => m.servers)).toEqual([41, 42, 43, 44, 45, 46]);
    expect(f.map((m) => m.power_kw)).toEqual([20.5, 21, 21.5, 22, 22.5, 23]);
    const last = f[5];
    expect(last).toMatchObject({ u_used: 46, cooling_kw: 23, racks_needed: 2, racks_to_add: 0 });
    expect(last.lower).toMatchObject({ servers: 46, racks_needed: 2 });
    expect(last.upper).toMatchObject({ servers: 46, racks_needed: 2 });
    const next = new Date();
    next.setUTCDate(1);
    next.setUTCMonth(next.getUTCMonth() + 1);
    expect(f[0].month).toBe(next.toISOString().slice(0, 7));

    const year = await api(`/api/analytics/forecast?months=12&datacenter_id=${dcId}`, { token: viewer });
    expect(year.status, year.text).toBe(200);
    expect(year.body).toHaveLength(12);
    expect(year.body[11]).toMatchObject({ servers: 52, power_kw: 26, racks_needed: 3, racks_to_add: 1 });
  });

  it('shows the growth history and why each method was chosen', async () => {
    const res = await api(`/api/analytics/growth?months=3&datacenter_id=${dcId}`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    const g = res.body;
    expect(g.history.months).toHaveLength(36);
    expect(g.history.servers.slice(-3)).toEqual([38, 39, 40]);
    expect(g.capacity).toEqual({ racks: 2, total_u: 84, rack_power_kw: 30, cooling_kw: 40, vcpu_capacity: 0 });
    expect(g.series.servers.method).toBe('drift');
    expect(g.series.servers.backtest.flat).toBe(1);
    expect(g.series.servers.backtest.drift).toBe(0);
    expect(g.forecast).toHaveLength(3);
  });

  it('refuses months outside 3–12, a bad datacenter id, an unknown one and unknown parameters', async () => {
    for (const q of ['months=2', 'months=13', 'months=six']) {
      expectProblem(await api(`/api/analytics/forecast?${q}`, { token: viewer }), 422, ['query.months']);
    }
    expectProblem(await api('/api/analytics/forecast?datacenter_id=x', { token: viewer }), 422, [
      'query.datacenter_id',
    ]);
    expectProblem(await api('/api/analytics/forecast?datacenter_id=99999', { token: viewer }), 404);
    expectProblem(await api('/api/analytics/forecast?month=6', { token: viewer }), 422, ['query.month']);
    expectProblem(await api('/api/analytics/exhaustion?horizon_months=0', { token: viewer }), 422, [
      'query.horizon_months',
    ]);
    expectProblem(await api('/api/analytics/forecast?months=6'), 401);
  });
});

describe('GET /api/analytics/exhaustion', () => {
  it('dates when power runs out, and says what does not', async () => {
    const res = await api(`/api/analytics/exhaustion?datacenter_id=${dcId}`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('4');
    const by = Object.fromEntries((res.body as any[]).map((r) => [r.resource, r]));
    const expected = Date.now() + 11 * 30.4375 * 86_400_000;
    expect(by.power).toMatchObject({ status: 'runs_out', capacity: 30, usable: 25.5, used: 20, unit: 'kW' });
    expect(Math.abs(Date.parse(by.power.date) - expected)).toBeLessThanOrEqual(86_400_000);
    expect([by.power.earliest, by.power.latest]).toEqual([by.power.date, by.power.date]);
    expect(by.cooling).toMatchObject({ status: 'not_within_horizon', date: null, usable: 34, used: 20 });
    expect(by.space).toMatchObject({ status: 'not_within_horizon', date: null, usable: 71.4, used: 40 });
    expect(by.compute).toMatchObject({ status: 'no_capacity', capacity: null });
    expect(by.power.datacenter).toBe('DC-Grow');
  });
});

describe('planning', () => {
  it('plans procurement from the forecast: one rack (and its two PDUs) for month 12, and power', async () => {
    // 12 months ahead 26 kW needs a third rack (26 / 12.75 = 2.04); month 11's 25.5 kW still fits in two.
    // Power runs out at month 11: 26 kW against 25.5 usable needs 0.5 / 0.85 → 1 kW more
    const res = await api(`/api/analytics/procurement?datacenter_id=${dcId}&lead_time_days=30`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    const lines = res.body as any[];
    const ahead = (m: number) => {
      const d = new Date();
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + m, 1)).toISOString().slice(0, 10);
    };
    const racks = lines.find((l) => l.item === 'racks');
    expect(racks).toMatchObject({ quantity: 1, needed_by: ahead(12), overdue: false });
    expect(racks.order_by).toBe(new Date(Date.parse(ahead(12)) - 30 * 86_400_000).toISOString().slice(0, 10));
    expect(lines.find((l) => l.item === 'pdus')).toMatchObject({ quantity: 2 });
    expect(lines.find((l) => l.item === 'power')).toMatchObject({ quantity: 1, unit: 'kW' });
  });

  it('places the next servers within power, and says how many do not fit', async () => {
    // each rack: 10 kW allocated of 12.75 usable, so five more 500 W servers each
    const ok = await api(`/api/analytics/placement?count=3&power_w=500&datacenter_id=${dcId}`, { token: viewer });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ requested: 3, placed: 3, unplaced: 0, reason: null });
    expect(ok.body.placements.every((p: any) => p.u_position === 21 || p.u_position > 21)).toBe(true);
    const over = await api(`/api/analytics/placement?count=20&power_w=500&datacenter_id=${dcId}`, { token: viewer });
    expect(over.body).toMatchObject({ placed: 10, unplaced: 10 });
    expect(over.body.reason).toContain('10 of 20 do not fit');
    expectProblem(await api('/api/analytics/placement?power_w=500', { token: viewer }), 422, ['query.count']);
  });

  it('lists capacity risks with their evidence, and no stranded rack here', async () => {
    const none = await api(`/api/analytics/risks?datacenter_id=${dcId}`, { token: viewer });
    expect(none.status, none.text).toBe(200);
    expect(none.body).toEqual([]);
    const year = await api(`/api/analytics/risks?datacenter_id=${dcId}&min_headroom_months=12`, { token: viewer });
    expect(year.body.map((r: any) => [r.kind, r.subject, r.severity])).toEqual([
      ['headroom', 'DC-Grow power', 'warning'],
    ]);
    expect(year.body[0].evidence).toMatchObject({ used: 20, usable: 25.5, unit: 'kW' });
    const stranded = await api(`/api/analytics/stranded?datacenter_id=${dcId}`, { token: viewer });
    expect(stranded.status).toBe(200);
    expect(stranded.body).toEqual([]);
  });
});
