// PUE gets a history: the site's live object sums each hour of facility readings against the site's IT power
// and writes the hour to D1 when the next begins (its open hour survives eviction); the demo's simulated history
// writes hours too; GET /api/analytics/pue serves them with the hour under way and a week's forecast.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { evictDurableObject } from 'cloudflare:test';
import { datacenterLive } from '../../durable-objects/datacenter-client';
import { adminToken, api, apiToken, asRole, estate, eventually, expectProblem, ingestJson, type Row } from '../helpers';

const H = 3_600_000;
let admin: string;
let viewer: string;
let dc: Row;
const hourNow = Math.floor(Date.now() / H) * H;

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  const ingest = await apiToken(admin, ['ingest']);
  const e = await estate(admin, 1);
  dc = e.dc;
  // 10 kW of IT power: the rack's summary reaches the site's object
  const sent = await ingestJson(ingest, [
    { server: e.servers[0].id, metric: 'power_w', value: 10_000, ts: Date.now() },
  ]);
  expect(sent.status, sent.text).toBe(200);
  const view = () => api(`/api/live/datacenters/${dc.id}/summary`, { token: admin });
  await eventually(async () => (await view()).body.summary?.site_it_power_kw === 10);
});

describe('PUE hours from live readings', () => {
  it('sums an hour, writes it when the next begins, and keeps the open one through an eviction', async () => {
    const live = () => datacenterLive(env, dc.id);
    const T = hourNow - 3 * H;
    // the object's clock moved to three hours ago: 13 and 14 kW at the meter against 10 kW of IT
    const reading = (ts: number, value: number) =>
      live().ingestFacility(dc.id, [{ metric: 'facility_power_kw', ts, value }], ts);
    await reading(T + 60_000, 13);
    await reading(T + 120_000, 14);
    await reading(T + H + 60_000, 12); // the next hour begins: T's is written
    await evictDurableObject(live());
    const res = await api(`/api/analytics/pue?datacenter_id=${dc.id}`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    // 27 kW over 20 kW: 1.35 (min 1.3, max 1.4); the open hour (12 / 10) came back from the object's storage
    expect(res.body.hours).toEqual([{ ts: T, pue: 1.35, min: 1.3, max: 1.4, it_kw: 10, facility_kw: 13.5 }]);
    expect(res.body.current).toMatchObject({ ts: T + H, pue: 1.2 });
    expect(res.body.mean).toBe(1.35);
    expect(res.body.forecast).toBeNull();
  });
});

describe('simulated PUE history and the forecast', () => {
  it('writes hours through the demo history and forecasts a week ahead', async () => {
    // 72 hours before those above, a daily swing between 1.2 and 1.4
    const first = hourNow - 76 * H;
    const pue = Array.from({ length: 72 }, (_, i) => {
      const p = 1.3 + 0.1 * Math.sin((2 * Math.PI * i) / 24);
      return [dc.id, first + i * H, 6, 60 * p, 60, p - 0.01, p + 0.01];
    });
    const rows = [
      [
        (await api(`/api/racks?datacenter_id=${dc.id}`, { token: admin })).body[0].id,
        0,
        'power_kw',
        3600,
        first,
        1,
        10,
        10,
        10,
        10,
        10,
      ],
    ];
    const res = await api('/api/demo/history', { method: 'POST', token: admin, json: { rows, pue } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.pue_written).toBe(72);
    const again = await api('/api/demo/history', { method: 'POST', token: admin, json: { rows, pue } });
    expect(again.body.pue_written).toBe(0);
    const report = (await api(`/api/analytics/pue?datacenter_id=${dc.id}`, { token: viewer })).body;
    expect(report.hours).toHaveLength(73);
    expect(report.forecast.points).toHaveLength(168);
    expect(report.forecast.period).toBe(24);
    for (const [v, lo, hi] of report.forecast.points) expect(lo <= v && v <= hi).toBe(true);
  });

  it('refuses PUE rows off the hour, in the future, inconsistent, or of an unknown site', async () => {
    const rack = (await api(`/api/racks?datacenter_id=${dc.id}`, { token: admin })).body[0].id;
    const rows = [[rack, 0, 'power_kw', 3600, hourNow - 100 * H, 1, 10, 10, 10, 10, 10]];
    const bad = [
      [dc.id, hourNow - 90 * H + 1, 1, 13, 10, 1.3, 1.3],
      [dc.id, hourNow, 1, 13, 10, 1.3, 1.3],
      [dc.id, hourNow - 91 * H, 1, 13, 10, 1.4, 1.5],
      [99999, hourNow - 92 * H, 1, 13, 10, 1.3, 1.3],
    ];
    const res = await api('/api/demo/history', { method: 'POST', token: admin, json: { rows, pue: bad } });
    expectProblem(res, 422, ['pue[0]', 'pue[1]', 'pue[2]', 'pue[3]']);
    expectProblem(await api('/api/analytics/pue', { token: viewer }), 422, ['query.datacenter_id']);
    expectProblem(await api('/api/analytics/pue?datacenter_id=99999', { token: viewer }), 404);
    expectProblem(await api(`/api/analytics/pue?datacenter_id=${dc.id}&days=0`, { token: viewer }), 422, [
      'query.days',
    ]);
  });
});
