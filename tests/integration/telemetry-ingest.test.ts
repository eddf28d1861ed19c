// The five ingest endpoints end to end: real payloads decoded by the Worker, routed to the rack Durable Objects,
// read back through the query API. Every bad-input rule of the issue answers a problem and stores nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import nodeExporter from '../../../shared/data/fixtures/node_exporter_e2e_output.txt?raw';
import histogram from '../../../shared/data/fixtures/textfile_histogram.prom?raw';
import otlpExample from '../../../shared/data/fixtures/otlp_metrics_example.json?raw';
import { encodeRemoteWrite } from '../../worker/telemetry/ingest/prom-remote-write';
import { adminToken, api, apiToken, estate, expectProblem, ingestJson, type Row } from '../helpers';
import { BASE, workerFetch } from '../helpers/api';

let admin: string;
let ingestToken: string;
let readToken: string;
let rack: Row;
let servers: Row[];

const latest = async (q: string) => {
  const res = await api(`/api/metrics/latest?${q}`, { token: admin });
  expect(res.status, res.text).toBe(200);
  return res.body as {
    server_id: number | null;
    rack_id: number;
    metric: string;
    labels: Record<string, string>;
    ts: number;
    value: number;
  }[];
};

const postBytes = (path: string, token: string, body: Uint8Array | string, headers: Record<string, string>) =>
  workerFetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, ...headers },
    body,
  });

const RW_HEADERS = {
  'Content-Type': 'application/x-protobuf',
  'Content-Encoding': 'snappy',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
};

beforeAll(async () => {
  admin = await adminToken();
  ingestToken = await apiToken(admin, ['ingest']);
  readToken = await apiToken(admin, ['read']);
  ({ rack, servers } = await estate(admin, 3));
});

describe('POST /api/metrics/ingest (JSON)', () => {
  it('accepts samples named by id, name and serial, rack and datacenter samples, and serves them back', async () => {
    const now = Date.now();
    const res = await ingestJson(ingestToken, [
      { server: servers[0].id, metric: 'cpu_pct', value: 41.5, ts: now },
      { server: servers[1].name, metric: 'power_w', value: 280, ts: new Date(now).toISOString() },
      { server: servers[2].serial_number, metric: 'inlet_temp_c', value: 23.5, ts: now },
      { server: servers[0].id, metric: 'custom_queue_depth', value: 7, ts: now, labels: { queue: 'a' } },
      { rack: rack.id, metric: 'power_kw', value: 1.25, ts: now },
      { datacenter: rack.datacenter_id, metric: 'facility_power_kw', value: 1.75, ts: now },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ accepted: 6, rejected: 0, unmatched: 0, racks: 1 });
    const rows = await latest(`rack_id=${rack.id}`);
    const find = (sid: number | null, metric: string) => rows.find((r) => r.server_id === sid && r.metric === metric);
    expect(find(servers[0].id, 'cpu_pct')?.value).toBe(41.5);
    expect(find(servers[1].id, 'power_w')?.value).toBe(280);
    expect(find(servers[2].id, 'inlet_temp_c')?.value).toBe(23.5);
    expect(find(servers[0].id, 'custom_queue_depth')?.labels).toEqual({ queue: 'a' });
    expect(find(null, 'power_kw')?.value).toBe(1.25);
    const live = await api(`/api/live/datacenters/${rack.datacenter_id}/summary`, { token: admin });
    expect(live.status).toBe(200);
    // PUE = metered facility / metered IT (the PDU's 1.25 kW)
    expect(live.body.summary).toMatchObject({ it_power_kw: 1.25, facility_power_kw: 1.75, pue: 1.4 });
    // the spec's dashboard metrics report the metered PUE once a datacenter meters both sides
    const dash = await api('/api/dashboard/metrics', { token: admin });
    expect(dash.body).toMatchObject({ pue: 1.4, pue_source: 'metered' });
    expect(dash.body.live).toMatchObject({ it_power_kw: 1.25, facility_power_kw: 1.75, pue: 1.4 });
  });

  it('is all-or-nothing: one bad sample refuses the batch and names it', async () => {
    const before = (await latest(`server_id=${servers[0].id}&metric=mem_pct`)).length;
    const res = await ingestJson(ingestToken, [
      { server: servers[0].id, metric: 'mem_pct', value: 50, ts: Date.now() },
      { server: servers[0].id, metric: 'bad-name!', value: 1, ts: Date.now() },
      { server: servers[0].id, metric: 'mem_pct', value: 'high', ts: Date.now() },
    ]);
    const p = expectProblem(res, 422, ['[1].metric', '[2].value']);
    expect(p.detail).toMatch(/\[1\]\.metric/);
    expect((await latest(`server_id=${servers[0].id}&metric=mem_pct`)).length).toBe(before);
  });

  it('refuses an unknown device, naming the sample, and stores nothing of the batch', async () => {
    const res = await ingestJson(ingestToken, [
      { server: servers[0].id, metric: 'disk_pct', value: 10, ts: Date.now() },
      { server: 'no-such-server', metric: 'disk_pct', value: 10, ts: Date.now() },
    ]);
    const p = expectProblem(res, 400, ['[1]']);
    expect(p.detail).toMatch(/no-such-server/);
    expect(await latest(`server_id=${servers[0].id}&metric=disk_pct`)).toEqual([]);
  });

  it('refuses samples beyond the raw retention or in the future one by one, storing the rest', async () => {
    const now = Date.now();
    const res = await ingestJson(ingestToken, [
      { server: servers[0].id, metric: 'fan_rpm', value: 1, ts: now - 49 * 3_600_000 },
      { server: servers[0].id, metric: 'fan_rpm', value: 2, ts: now + 3_600_000 },
      { server: servers[0].id, metric: 'fan_rpm', value: 3, ts: now },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      accepted: 1,
      refused: 2,
      refused_reasons: { too_far_in_future: 1, too_old: 1, invalid_timestamp: 0, non_finite_value: 0 },
    });
    expect(res.headers.get('X-Ingest-Refused-Reasons')).toBe('too_far_in_future=1, too_old=1');
    expect((await latest(`server_id=${servers[0].id}&metric=fan_rpm`)).map((r) => r.value)).toEqual([3]);
  });

  it('needs a token that allows ingest: none → 401, unknown → 401, read scope → 403', async () => {
    const body = [{ server: servers[0].id, metric: 'cpu_pct', value: 1, ts: Date.now() }];
    expectProblem(await api('/api/metrics/ingest', { json: body }), 401);
    expectProblem(await ingestJson('dcp_not-a-real-token-at-all-000000000000', body), 401);
    expectProblem(await ingestJson(readToken, body), 403);
  });

  it('refuses a body over the size cap with 413 before parsing it', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024 + 10);
    const res = await api('/api/metrics/ingest', {
      token: ingestToken,
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 413);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await api('/api/metrics/ingest', {
      token: ingestToken,
      body: '[{"server": 1,',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400);
  });
});

describe('POST /api/prom/write (remote_write 1.0)', () => {
  it('decodes a snappy protobuf WriteRequest, routes by labels, counts unmatched series', async () => {
    const ts = Date.now();
    const payload = encodeRemoteWrite([
      { labels: { __name__: 'node_load1', server: servers[0].name, job: 'node' }, samples: [{ value: 0.5, ts }] },
      { labels: { __name__: 'cpu_pct', instance: `${servers[1].name}:9100` }, samples: [{ value: 12, ts }] },
      { labels: { __name__: 'power_kw', rack: String(rack.id) }, samples: [{ value: 2.5, ts }] },
      {
        labels: { __name__: 'node_load1', instance: 'ghost-host:9100' },
        samples: [
          { value: 1, ts },
          { value: 2, ts: ts + 1 },
        ],
      },
    ]);
    const res = await postBytes('/api/prom/write', ingestToken, payload, RW_HEADERS);
    expect(res.status, await res.clone().text()).toBe(204);
    expect(res.headers.get('X-Ingest-Accepted')).toBe('3');
    expect(res.headers.get('X-Ingest-Unmatched')).toBe('2');
    const rows = await latest(`rack_id=${rack.id}`);
    expect(rows.find((r) => r.server_id === servers[0].id && r.metric === 'node_load1')).toMatchObject({
      value: 0.5,
      labels: { job: 'node' },
    });
    expect(rows.find((r) => r.server_id === servers[1].id && r.metric === 'cpu_pct')?.value).toBe(12);
    const unmatched = await api('/api/metrics/unmatched', { token: admin });
    expect(unmatched.body).toContainEqual(
      expect.objectContaining({ format: 'prom_remote_write', device: 'instance="ghost-host:9100"', samples: 2 }),
    );
  });

  it('answers 415 to remote_write 2.0 and to a wrong encoding', async () => {
    const payload = encodeRemoteWrite([
      { labels: { __name__: 'x', server: servers[0].name }, samples: [{ value: 1, ts: Date.now() }] },
    ]);
    const v2 = await postBytes('/api/prom/write', ingestToken, payload, {
      ...RW_HEADERS,
      'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
      'X-Prometheus-Remote-Write-Version': '2.0.0',
    });
    expect(v2.status).toBe(415);
    expect((await v2.json<{ detail: string }>()).detail).toMatch(/2\.0 is not supported/);
    const gzip = await postBytes('/api/prom/write', ingestToken, payload, {
      ...RW_HEADERS,
      'Content-Encoding': 'gzip',
    });
    expect(gzip.status).toBe(415);
  });

  it('refuses a snappy body declaring a huge decoded size with 413, and garbage with 400', async () => {
    // varint 0x80 0x80 0x80 0x80 0x04 = 1 GiB declared, then nothing
    const bomb = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04, 0x00]);
    const res = await postBytes('/api/prom/write', ingestToken, bomb, RW_HEADERS);
    expect(res.status).toBe(413);
    const garbage = await postBytes('/api/prom/write', ingestToken, new Uint8Array([5, 1, 2, 3]), RW_HEADERS);
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('POST /api/prom/push (text exposition)', () => {
  it("stores node_exporter's full output for the server named in the query", async () => {
    const res = await api(`/api/prom/push?server=${encodeURIComponent(servers[2].name)}`, {
      token: ingestToken,
      body: nodeExporter,
      headers: { 'content-type': 'text/plain; version=0.0.4' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.accepted).toBe(3027);
    expect(res.body.unmatched).toBe(0);
    const rows = await latest(`server_id=${servers[2].id}&metric=node_load1`);
    expect(rows.map((r) => r.value)).toEqual([0.21]);
  });

  it('keeps histogram buckets as separate series', async () => {
    const res = await api(`/api/prom/push?server=${servers[1].id}`, { token: ingestToken, body: histogram });
    expect(res.status, res.text).toBe(200);
    expect(res.body.accepted).toBe(13);
  });

  it('names the bad line', async () => {
    const res = await api(`/api/prom/push?server=${servers[1].id}`, {
      token: ingestToken,
      body: 'ok_metric 1\nbroken{ 2\n',
    });
    expect(expectProblem(res, 400).detail).toMatch(/line 2/);
  });
});

describe('POST /api/influx/write (line protocol)', () => {
  it('decodes Telegraf lines with precision, integers and tags; host names the server', async () => {
    const s = Math.floor(Date.now() / 1000);
    const body = [
      `cpu,host=${servers[0].name},cpu=cpu-total usage_user=12.5,usage_system=3i ${s}`,
      `mem,host=${servers[0].name} used_percent=61.25 ${s}`,
    ].join('\n');
    const res = await api('/api/influx/write?precision=s', { token: ingestToken, body });
    expect(res.status, res.text).toBe(204);
    expect(res.headers.get('X-Ingest-Accepted')).toBe('3');
    const rows = await latest(`server_id=${servers[0].id}&metric=cpu_usage_system,mem_used_percent`);
    expect(rows.find((r) => r.metric === 'cpu_usage_system')).toMatchObject({ value: 3, labels: { cpu: 'cpu-total' } });
    expect(rows.find((r) => r.metric === 'mem_used_percent')).toMatchObject({ value: 61.25, ts: s * 1000 });
  });

  it('rejects a bad precision (422) and a bad line (400)', async () => {
    expectProblem(await api('/api/influx/write?precision=h', { token: ingestToken, body: 'm v=1' }), 422, [
      'query.precision',
    ]);
    const res = await api('/api/influx/write', {
      token: ingestToken,
      body: `m,host=${servers[0].name} v=1\nm,host= v=\n`,
    });
    expect(expectProblem(res, 400).detail).toMatch(/line 2/);
  });
});

/** The OpenTelemetry example, its 2018 timestamps moved to now (older than the raw retention otherwise). */
function otlpDoc() {
  const nowNs = `${Date.now()}000000`;
  return JSON.parse(otlpExample.replace(/"(start)?[tT]imeUnixNano": "\d+"/g, (m) => m.replace(/"\d+"/, `"${nowNs}"`)));
}

describe('POST /api/otlp/v1/metrics (OTLP/HTTP JSON)', () => {
  it("decodes the OpenTelemetry example, mapping the resource's host.name to the server", async () => {
    const doc = otlpDoc();
    doc.resourceMetrics[0].resource.attributes.push({ key: 'host.name', value: { stringValue: servers[1].name } });
    const res = await api('/api/otlp/v1/metrics', { token: ingestToken, json: doc });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({});
    expect(res.headers.get('X-Ingest-Accepted')).toBe('2');
    expect(res.headers.get('X-Ingest-Skipped')).toBe('2');
    const rows = await latest(`server_id=${servers[1].id}&metric=my_counter,my_gauge`);
    expect(rows.map((r) => [r.metric, r.value]).sort()).toEqual([
      ['my_counter', 5],
      ['my_gauge', 10],
    ]);
  });

  it('reports unmatched points in partialSuccess, as OTLP specifies', async () => {
    const doc = otlpDoc();
    const res = await api('/api/otlp/v1/metrics', { token: ingestToken, json: doc });
    expect(res.status).toBe(200);
    expect(res.body.partialSuccess.rejectedDataPoints).toBe('2');
    expect(res.body.partialSuccess.errorMessage).toMatch(/service_name|no device/);
  });
});
