// Server failure risk through the API, from series ingested as exporters send them (node_exporter's EDAC
// counters, smartctl_exporter's attributes, fan speeds), inventory age and alerts: highest first, with evidence
// and what data each server had.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, apiToken, asRole, estate, eventually, expectProblem, ingestJson, type Row } from '../helpers';

let viewer: string;
let servers: Row[];
let dcId: number;

beforeAll(async () => {
  const admin = await adminToken();
  viewer = await asRole('viewer', admin);
  const ingest = await apiToken(admin, ['ingest']);
  const e = await estate(admin, 3);
  servers = e.servers;
  dcId = e.dc.id;
  await api(`/api/servers/${servers[2].id}`, {
    method: 'PATCH',
    token: admin,
    json: { purchase_date: '2015-01-01', warranty_expires: '2020-01-01' },
  });
  const now = Date.now();
  const smart = (id: string, value: number) => ({
    server: servers[1].id,
    metric: 'smartctl_device_attribute',
    labels: { device: 'sda', attribute_id: id, attribute_value_type: 'raw' },
    value,
    ts: now,
  });
  const sent = await ingestJson(ingest, [
    {
      server: servers[0].id,
      metric: 'node_edac_uncorrectable_errors_total',
      labels: { controller: '0' },
      value: 2,
      ts: now,
    },
    { server: servers[0].id, metric: 'fan_rpm', labels: { fan: '1' }, value: 0, ts: now },
    smart('5', 24),
    smart('187', 0),
    smart('197', 0),
    smart('198', 0),
  ]);
  expect(sent.status, sent.text).toBe(200);
  await eventually(
    async () => (await api(`/api/analytics/failure-risk?datacenter_id=${dcId}`, { token: viewer })).body.length === 3,
  );
});

describe('GET /api/analytics/failure-risk', () => {
  it('ranks servers by risk with the evidence behind each', async () => {
    const res = await api(`/api/analytics/failure-risk?datacenter_id=${dcId}`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('3');
    const [first, second, third] = res.body;
    // memory (0.5), a stopped fan (0.25) and the critical alert the default fan rule raised for it (0.05):
    // 1 − 0.5 × 0.75 × 0.95 = 0.64
    expect(first).toMatchObject({ server_id: servers[0].id, risk: 0.64, level: 'high' });
    expect(first.evidence.map((e: any) => [e.factor, e.weight])).toEqual([
      ['memory', 0.5],
      ['fan', 0.25],
      ['alerts', 0.05],
    ]);
    // a disk with 24 reallocated sectors, scored by the trained model
    expect(second).toMatchObject({ server_id: servers[1].id, risk: 0.3, level: 'medium' });
    expect(second.disks[0]).toMatchObject({ device: 'sda', at_risk: true });
    expect(second.coverage).toContain('SMART of 1 disk');
    // nearly twelve years old: 0.03 × (age − 5), at most 0.15; warranty shown, not counted
    expect(third).toMatchObject({ server_id: servers[2].id, risk: 0.15, level: 'medium' });
    expect(third.evidence.map((e: any) => [e.factor, e.weight])).toEqual([
      ['age', 0.15],
      ['warranty', 0],
    ]);
    expect(third.coverage).toContain('no SMART data');
  });

  it('filters by level and pages', async () => {
    const high = await api(`/api/analytics/failure-risk?datacenter_id=${dcId}&level=high`, { token: viewer });
    expect(high.body.map((r: any) => r.server_id)).toEqual([servers[0].id]);
    const page = await api(`/api/analytics/failure-risk?datacenter_id=${dcId}&limit=1&offset=1`, { token: viewer });
    expect(page.headers.get('x-total-count')).toBe('3');
    expect(page.body.map((r: any) => r.server_id)).toEqual([servers[1].id]);
    expectProblem(await api('/api/analytics/failure-risk?level=severe', { token: viewer }), 422, ['query.level']);
    expectProblem(await api('/api/analytics/failure-risk?limit=0', { token: viewer }), 422, ['query.limit']);
  });
});
