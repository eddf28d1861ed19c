// GET /api/metrics/servers with no server named: the spec's "Server metrics", a page of the latest standard
// metrics of every visible server (clearance-filtered, paginated and filtered like every list).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  apiToken,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  fieldsOf,
  ingestJson,
  type Row,
} from '../helpers';

let admin: string;
let viewer: string;
let dc: Row;
let open: Row, hidden: Row;
let gpu: Row, web: Row, quiet: Row, secret: Row;

beforeAll(async () => {
  admin = await adminToken();
  viewer = (await createUser('viewer', admin)).token;
  dc = await createDatacenter(admin);
  open = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Internal' });
  hidden = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Confidential' });
  gpu = await createServer(admin, { rack_id: open.id, name: 'msl-a-gpu', server_type: 'GPU', u_position: 1 });
  web = await createServer(admin, { rack_id: open.id, name: 'msl-b-web', server_type: 'Compute', u_position: 5 });
  quiet = await createServer(admin, { rack_id: open.id, name: 'msl-c-quiet', server_type: 'Storage', u_position: 9 });
  secret = await createServer(admin, { rack_id: hidden.id, name: 'msl-d-secret', server_type: 'GPU', u_position: 1 });
  const ingest = await apiToken(admin, ['ingest']);
  const now = Date.now();
  const res = await ingestJson(ingest, [
    { server: gpu.id, metric: 'cpu_pct', value: 10, ts: now - 20_000 },
    { server: gpu.id, metric: 'cpu_pct', value: 91.5, ts: now - 1000 },
    { server: gpu.id, metric: 'power_w', value: 640, ts: now - 2000 },
    // a part's series (one fan) is not the server's fan_rpm
    { server: gpu.id, metric: 'fan_rpm', value: 9000, ts: now, labels: { fan: '2' } },
    { server: gpu.id, metric: 'custom_queue_depth', value: 3, ts: now },
    { server: web.id, metric: 'inlet_temp_c', value: 22.5, ts: now - 3000, labels: { job: 'node' } },
    { server: secret.id, metric: 'cpu_pct', value: 55, ts: now },
  ]);
  expect(res.status, res.text).toBe(200);
});

const nulls = {
  cpu_pct: null,
  mem_pct: null,
  disk_pct: null,
  net_in_bps: null,
  net_out_bps: null,
  power_w: null,
  inlet_temp_c: null,
  outlet_temp_c: null,
  fan_rpm: null,
};

describe('GET /api/metrics/servers without a server', () => {
  it('answers a bare array of the latest standard metrics per server, with X-Total-Count and Link', async () => {
    const res = await api(`/api/metrics/servers?datacenter_id=${dc.id}`, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('X-Total-Count')).toBe('4');
    expect(res.headers.get('Link')).toContain('rel="first"');
    const row = (s: Row, extra: Row) => ({
      server_id: s.id,
      name: s.name,
      rack_id: s.rack_id,
      datacenter_id: dc.id,
      server_type: s.server_type,
      status: s.status,
      ...extra,
    });
    const [a, b, c, d] = res.body;
    expect(a).toEqual(row(gpu, { ts: a.ts, metrics: { ...nulls, cpu_pct: 91.5, power_w: 640 } }));
    expect(Date.now() - a.ts).toBeLessThan(60_000);
    expect(b).toEqual(row(web, { ts: b.ts, metrics: { ...nulls, inlet_temp_c: 22.5 } }));
    expect(c).toEqual(row(quiet, { ts: null, metrics: nulls }));
    expect(d).toEqual(row(secret, { ts: d.ts, metrics: { ...nulls, cpu_pct: 55 } }));
  });

  it("works with no query at all, and hides servers above the caller's clearance", async () => {
    const all = await api('/api/metrics/servers', { token: admin });
    expect(all.status, all.text).toBe(200);
    expect(Number(all.headers.get('X-Total-Count'))).toBeGreaterThanOrEqual(4);
    const mine = await api(`/api/metrics/servers?datacenter_id=${dc.id}`, { token: viewer });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.map((r: Row) => r.name)).toEqual(['msl-a-gpu', 'msl-b-web', 'msl-c-quiet']);
    expect(mine.headers.get('X-Total-Count')).toBe('3');
  });

  it('pages with limit/offset and filters by rack_id and type', async () => {
    const page = await api(`/api/metrics/servers?datacenter_id=${dc.id}&limit=2&offset=2`, { token: admin });
    expect(page.body.map((r: Row) => r.name)).toEqual(['msl-c-quiet', 'msl-d-secret']);
    expect(page.headers.get('Link')).toContain('offset=0>; rel="prev"');
    const gpus = await api(`/api/metrics/servers?datacenter_id=${dc.id}&type=GPU&sort=-name`, { token: admin });
    expect(gpus.body.map((r: Row) => r.name)).toEqual(['msl-d-secret', 'msl-a-gpu']);
    const rack = await api(`/api/metrics/servers?rack_id=${hidden.id}`, { token: admin });
    expect(rack.body.map((r: Row) => r.name)).toEqual(['msl-d-secret']);
  });

  it('refuses bad list parameters with 422 naming them; server_id still asks for a history', async () => {
    const bad = await api('/api/metrics/servers?type=Toaster&limit=0', { token: admin });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad)).toEqual(['query.limit', 'query.type']);
    const history = await api(`/api/metrics/servers?server_id=${gpu.id}&metric=cpu_pct&step=10&from=-5m`, {
      token: admin,
    });
    expect(history.status, history.text).toBe(200);
    expect(history.body.map((s: Row) => s.metric)).toEqual(['cpu_pct']);
    const noMetric = await api(`/api/metrics/servers?server_id=${gpu.id}`, { token: admin });
    expect(noMetric.status).toBe(422);
    expect(fieldsOf(noMetric)).toEqual(['query.metric']);
  });
});
