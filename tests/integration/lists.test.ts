import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  asRole,
  createDatacenter,
  createRack,
  serverBody,
  type ApiResult,
  type Row,
} from '../helpers';

let admin: string;
let viewer: string;
let dc: Row, dc2: Row, r1: Row, r2: Row, r3: Row;
const names = (rows: Row[]) => rows.map((r) => r.name);

/** rel -> URL of an RFC 8288 Link header */
function links(header: string | null): Record<string, URL> {
  const out: Record<string, URL> = {};
  for (const m of (header ?? '').matchAll(/<([^>]+)>;\s*rel="(\w+)"/g)) out[m[2]] = new URL(m[1], 'http://localhost');
  return out;
}

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  // 61 datacenters named PAGE-001..PAGE-061 for pagination
  const bulk = await api('/api/datacenters', {
    token: admin,
    json: Array.from({ length: 61 }, (_, i) => ({ name: `PAGE-${String(i + 1).padStart(3, '0')}` })),
  });
  expect(bulk.status, bulk.text).toBe(201);

  dc = await createDatacenter(admin, { name: 'LIST-DC-1' });
  dc2 = await createDatacenter(admin, { name: 'LIST-DC-2' });
  r1 = await createRack(admin, { datacenter_id: dc.id, name: 'LIST-R1', power_capacity_kw: 60 });
  r2 = await createRack(admin, { datacenter_id: dc.id, name: 'LIST-R2', power_capacity_kw: 60 });
  r3 = await createRack(admin, { datacenter_id: dc2.id, name: 'LIST-R3', power_capacity_kw: 60 });
  const s = (rack: Row, name: string, extra: Row) =>
    serverBody(rack.id, { name, serial_number: `SN-${name}`, ...extra });
  const res = await api('/api/servers', {
    token: admin,
    json: [
      s(r1, 'lst-b', {
        u_position: 5,
        server_type: 'GPU',
        status: 'active',
        warranty_expires: '2024-06-30',
        model: 'DGX H100',
      }),
      s(r1, 'lst-c', {
        u_position: 1,
        server_type: 'Compute',
        status: 'maintenance',
        warranty_expires: '2027-01-01',
        model: 'PowerEdge R660',
      }),
      s(r2, 'lst-a', {
        u_position: 5,
        server_type: 'Storage',
        status: 'active',
        warranty_expires: '2025-12-31',
        model: 'PowerEdge R760xd2',
      }),
      s(r2, 'lst-d', {
        u_position: 10,
        server_type: 'Database',
        status: 'offline',
        warranty_expires: null,
        ip_address: '10.9.9.41',
      }),
      s(r3, 'lst-e', {
        u_position: 2,
        server_type: 'GPU',
        status: 'active',
        warranty_expires: '2026-01-01',
        ip_address: '10.9.8.1',
      }),
    ],
  });
  expect(res.status, res.text).toBe(201);
});

describe('pagination', () => {
  it('returns a bare JSON array, 50 rows by default, with X-Total-Count', async () => {
    const res = await api('/api/datacenters?q=PAGE-', { token: viewer });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(50);
    expect(res.headers.get('X-Total-Count')).toBe('61');
    expect(names(res.body)).toEqual(Array.from({ length: 50 }, (_, i) => `PAGE-${String(i + 1).padStart(3, '0')}`));
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('X-Total-Count');

    const rest = await api('/api/datacenters?q=PAGE-&offset=50', { token: viewer });
    expect(names(rest.body)).toEqual(Array.from({ length: 11 }, (_, i) => `PAGE-${String(i + 51).padStart(3, '0')}`));
    expect(rest.headers.get('X-Total-Count')).toBe('61');

    const beyond = await api('/api/datacenters?q=PAGE-&offset=500', { token: viewer });
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('X-Total-Count')).toBe('61');

    expect((await api('/api/datacenters?q=PAGE-&limit=1000', { token: viewer })).body).toHaveLength(61);
    expect((await api('/api/datacenters?q=PAGE-&limit=7&offset=3', { token: viewer })).body[0].name).toBe('PAGE-004');
  });

  it('Link carries first/prev/next/last with the right offsets and keeps the other parameters', async () => {
    // 61 rows, 20 per page, on the second page: first 0, prev 0, next 40, last 60
    const res = await api('/api/datacenters?q=PAGE-&sort=name&limit=20&offset=20', { token: viewer });
    const l = links(res.headers.get('Link'));
    expect(Object.keys(l).sort()).toEqual(['first', 'last', 'next', 'prev']);
    const off = (u: URL) => u.searchParams.get('offset');
    expect([off(l.first), off(l.prev), off(l.next), off(l.last)]).toEqual(['0', '0', '40', '60']);
    for (const u of Object.values(l)) {
      expect(u.pathname).toBe('/api/datacenters');
      expect(u.searchParams.get('limit')).toBe('20');
      expect(u.searchParams.get('q')).toBe('PAGE-');
      expect(u.searchParams.get('sort')).toBe('name');
    }
    // first page: no prev
    const first = links((await api('/api/datacenters?q=PAGE-&limit=20', { token: viewer })).headers.get('Link'));
    expect(Object.keys(first).sort()).toEqual(['first', 'last', 'next']);
    expect(first.next.searchParams.get('offset')).toBe('20');
    // last page: no next; following "next" links walks every row exactly once
    let url: string | undefined = '/api/datacenters?q=PAGE-&limit=25';
    const walked: string[] = [];
    while (url) {
      const page: ApiResult<Row[]> = await api(url, { token: viewer });
      walked.push(...names(page.body));
      const next: URL | undefined = links(page.headers.get('Link')).next;
      url = next ? next.pathname + next.search : undefined;
    }
    expect(walked).toHaveLength(61);
    expect(new Set(walked).size).toBe(61);
    // an odd offset: prev goes back one page, never below 0
    const odd = links((await api('/api/datacenters?q=PAGE-&limit=20&offset=5', { token: viewer })).headers.get('Link'));
    expect(odd.prev.searchParams.get('offset')).toBe('0');
    expect(odd.next.searchParams.get('offset')).toBe('25');
    // nothing matches: first = last = 0
    const none = links((await api('/api/datacenters?q=no-such-thing', { token: viewer })).headers.get('Link'));
    expect(Object.keys(none).sort()).toEqual(['first', 'last']);
    expect(none.last.searchParams.get('offset')).toBe('0');
  });
});

describe('sorting, search and filters', () => {
  it('sorts by several fields, "-" for descending', async () => {
    const res = await api(`/api/servers?datacenter_id=${dc.id}&sort=-u_position,name`, { token: viewer });
    expect(names(res.body)).toEqual(['lst-d', 'lst-a', 'lst-b', 'lst-c']);
    const asc = await api(`/api/servers?datacenter_id=${dc.id}&sort=u_position,-name`, { token: viewer });
    expect(names(asc.body)).toEqual(['lst-c', 'lst-b', 'lst-a', 'lst-d']);
    // default sort is by name
    expect(names((await api(`/api/servers?datacenter_id=${dc.id}`, { token: viewer })).body)).toEqual([
      'lst-a',
      'lst-b',
      'lst-c',
      'lst-d',
    ]);
    const dcs = await api('/api/datacenters?q=LIST-DC&sort=-name', { token: viewer });
    expect(names(dcs.body)).toEqual(['LIST-DC-2', 'LIST-DC-1']);
  });

  it('searches with q= across text fields, taking % and _ literally', async () => {
    expect(names((await api('/api/servers?q=PowerEdge', { token: viewer })).body)).toEqual(['lst-a', 'lst-c']);
    expect(names((await api('/api/servers?q=10.9.9.', { token: viewer })).body)).toEqual(['lst-d']);
    expect(names((await api('/api/servers?q=SN-lst-e', { token: viewer })).body)).toEqual(['lst-e']);
    expect((await api('/api/servers?q=%25', { token: viewer })).body).toEqual([]);
    expect((await api('/api/servers?q=lst_', { token: viewer })).body).toEqual([]);
    expect(names((await api('/api/racks?q=LIST-R', { token: viewer })).body)).toEqual([
      'LIST-R1',
      'LIST-R2',
      'LIST-R3',
    ]);
  });

  it('filters by rack, status, type lists, datacenter (through racks) and warranty date', async () => {
    const q = async (qs: string) => {
      const res = await api(`/api/servers?${qs}`, { token: viewer });
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('X-Total-Count')).toBe(String(res.body.length));
      return names(res.body);
    };
    expect(await q(`rack_id=${r1.id}`)).toEqual(['lst-b', 'lst-c']);
    expect(await q(`rack_id=${r1.id},${r3.id}`)).toEqual(['lst-b', 'lst-c', 'lst-e']);
    expect(await q('q=lst-&status=active')).toEqual(['lst-a', 'lst-b', 'lst-e']);
    expect(await q('q=lst-&status=maintenance,offline')).toEqual(['lst-c', 'lst-d']);
    expect(await q('server_type=GPU,Storage')).toEqual(['lst-a', 'lst-b', 'lst-e']);
    expect(await q('server_type=GPU')).toEqual(['lst-b', 'lst-e']);
    expect(await q(`datacenter_id=${dc2.id}`)).toEqual(['lst-e']);
    expect(await q(`datacenter_id=${dc.id},${dc2.id}`)).toEqual(['lst-a', 'lst-b', 'lst-c', 'lst-d', 'lst-e']);
    // warranty ends on or before the date (servers without a warranty date are not included)
    expect(await q('warranty_before=2025-12-31')).toEqual(['lst-a', 'lst-b']);
    expect(await q('warranty_before=2026-01-01')).toEqual(['lst-a', 'lst-b', 'lst-e']);
    expect(await q('warranty_after=2026-01-01')).toEqual(['lst-c', 'lst-e']);
    // filters combine with AND
    expect(await q(`datacenter_id=${dc.id}&server_type=GPU,Storage&status=active&warranty_before=2025-01-01`)).toEqual([
      'lst-b',
    ]);
    expect(names((await api(`/api/racks?datacenter_id=${dc.id}`, { token: viewer })).body)).toEqual([
      'LIST-R1',
      'LIST-R2',
    ]);
  });
});

describe("the spec's example bodies", () => {
  it('create DC-PRIMARY, RACK-A-001 and SRV-WEB-001', async () => {
    const operator = admin; // as in the spec, which signs in as admin (a Top Secret clearance)
    const dcBody = {
      name: 'DC-PRIMARY',
      location: 'New York, USA',
      tier: 'Tier 3',
      total_space_sqm: 5000.0,
      power_capacity_mw: 10.0,
      cooling_capacity_mw: 6.0,
      pue_target: 1.4,
    };
    const d = await api('/api/datacenters', { token: operator, json: dcBody });
    expect(d.status, d.text).toBe(201);
    expect(d.body).toMatchObject({ ...dcBody, status: 'active', certifications: [] });
    expect(d.headers.get('Location')).toBe(`/api/datacenters/${d.body.id}`);

    const rackBody = {
      name: 'RACK-A-001',
      datacenter_id: d.body.id,
      location: 'Row A, Position 1',
      row: 'A',
      position: 1,
      u_capacity: 42,
      power_capacity_kw: 10.0,
      cooling_type: 'Liquid Cooling',
      security_zone: 'Confidential',
    };
    const r = await api('/api/racks', { token: operator, json: rackBody });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ ...rackBody, status: 'active' });
    expect(r.headers.get('Location')).toBe(`/api/racks/${r.body.id}`);

    const srvBody = {
      name: 'SRV-WEB-001',
      rack_id: r.body.id,
      server_type: 'Compute',
      manufacturer: 'Dell',
      model: 'PowerEdge R750',
      serial_number: 'SRV123456',
      u_position: 1,
      u_size: 2,
      cpu_model: 'Intel Xeon Gold 6338',
      cpu_cores: 64,
      ram_gb: 512,
      storage_tb: 4.0,
      power_supply_w: 750,
      os: 'Ubuntu 22.04',
      ip_address: '10.0.1.10',
      management_ip: '10.0.0.10',
    };
    const s = await api('/api/servers', { token: operator, json: srvBody });
    expect(s.status, s.text).toBe(201);
    expect(s.body).toMatchObject({ ...srvBody, status: 'active', health: 'healthy' });
    expect(s.body.id).toEqual(expect.any(Number));
    expect(s.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // and they read back the same
    const back = await api(`/api/servers/${s.body.id}`, { token: admin });
    expect(back.body).toMatchObject(srvBody);
    // a viewer with the default Internal clearance does not see into the Confidential rack
    expect((await api(`/api/servers/${s.body.id}`, { token: viewer })).status).toBe(404);
  });
});
