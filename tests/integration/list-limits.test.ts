// Regression tests for list requests that used to answer 500 (from ~8,000 generated requests): long searches,
// long id lists, long sort lists, repeated parameters and undecodable query strings.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, createDatacenter, createRack, fieldsOf, type Row } from '../helpers';

let admin: string;
let dcs: Row[];
const get = (path: string) => api(path, { token: admin });
const names = (rows: Row[]) => rows.map((r) => r.name);
/** a 422 or 400 problem naming exactly `fields` */
async function refused(path: string, status: 400 | 422, fields: string[]) {
  const res = await get(path);
  expect(res.status, `${path.slice(0, 80)}: ${res.text.slice(0, 300)}`).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(fieldsOf(res)).toEqual(fields);
}
const LISTS = ['/api/datacenters', '/api/racks', '/api/servers', '/api/users', '/api/audit/logs'];

beforeAll(async () => {
  admin = await adminToken();
  // every list below has rows, so a search is evaluated against them (an empty table never runs the match)
  dcs = [
    await createDatacenter(admin, { name: 'LL-50% cooling' }),
    await createDatacenter(admin, { name: 'LL-500 kW hall' }),
    await createDatacenter(admin, { name: 'LL-a_b' }),
    await createDatacenter(admin, { name: `LL-${'é'.repeat(60)}` }),
  ];
  await createRack(admin, { datacenter_id: dcs[0].id, name: 'LL-R1' });
  await createRack(admin, { datacenter_id: dcs[1].id, name: 'LL-R2' });
});

describe('q= search', () => {
  it('takes %, _ and \\ literally: q=50% finds only the literal "50%"', async () => {
    expect(names((await get('/api/datacenters?q=50%25')).body)).toEqual(['LL-50% cooling']);
    expect(names((await get('/api/datacenters?q=a_b')).body)).toEqual(['LL-a_b']);
    expect((await get('/api/datacenters?q=LL-%25')).body).toEqual([]);
    expect((await get('/api/datacenters?q=%5C')).body).toEqual([]);
  });

  it('matches searches far longer than a D1 LIKE pattern may be (50 bytes), case-insensitively', async () => {
    // 60 "é" are 120 bytes: as a LIKE pattern this was "LIKE or GLOB pattern too complex" -> 500
    expect(names((await get(`/api/datacenters?q=${encodeURIComponent('é'.repeat(60))}`)).body)).toEqual([
      `LL-${'é'.repeat(60)}`,
    ]);
    expect(names((await get('/api/datacenters?q=ll-500+KW')).body)).toEqual(['LL-500 kW hall']);
  });

  it('answers 200 up to 200 characters and 422 naming query.q beyond, on every searchable list', async () => {
    for (const list of LISTS) {
      const ok = await get(`${list}?q=${encodeURIComponent('é'.repeat(200))}&sort=id`);
      expect(ok.status, `${list}: ${ok.text.slice(0, 300)}`).toBe(200);
      expect(ok.body).toEqual([]);
      const letters = await get(`${list}?q=${'a'.repeat(120)}&limit=5`);
      expect(letters.status, `${list}: ${letters.text.slice(0, 300)}`).toBe(200);
      await refused(`${list}?q=${encodeURIComponent('é'.repeat(201))}`, 422, ['query.q']);
      await refused(`${list}?q=${'a'.repeat(3000)}&limit=5`, 422, ['query.q']);
    }
  });
});

describe('list filters', () => {
  const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i).join(',');

  it('take up to 100 values bound as one array, and refuse more with 422', async () => {
    // ids far from ours plus our two datacenters: with one variable per id this was "too many SQL variables"
    const list = `${ids(98, 1_000_000)},${dcs[0].id},${dcs[1].id}`;
    const racks = await get(`/api/racks?datacenter_id=${list}&sort=name`);
    expect(racks.status, racks.text).toBe(200);
    expect(names(racks.body)).toEqual(['LL-R1', 'LL-R2']);
    const servers = await get(`/api/servers?datacenter_id=${list}`);
    expect(servers.status, servers.text).toBe(200);
    const audit = await get(`/api/audit/logs?id=${ids(100)}&actor_id=${ids(100)}`);
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.length).toBeGreaterThan(0);
    await refused(`/api/racks?datacenter_id=${ids(101)}`, 422, ['query.datacenter_id']);
    await refused(`/api/audit/logs?id=${ids(500)}`, 422, ['query.id']);
    await refused(`/api/metrics/latest?server_id=${ids(101)}`, 422, ['query.server_id']);
    const latest = await get(`/api/metrics/latest?rack_id=${ids(100, 1_000_000)}`);
    expect(latest.status, latest.text).toBe(200);
  });

  it('refuse impossible dates instead of comparing them as text', async () => {
    await refused('/api/audit/logs?from=9999-99-99', 422, ['query.from']);
    await refused('/api/audit/checkpoints?to=2026-02-30', 422, ['query.to']);
    await refused('/api/audit/logs?from=275761-01-01T00:00:00Z', 422, ['query.from']);
  });
});

describe('sort', () => {
  it('refuses a repeated key and more than 4 keys with 422 naming query.sort', async () => {
    expect((await get('/api/servers?sort=name,-id,rack_id,u_position')).status).toBe(200);
    await refused('/api/servers?sort=id,id', 422, ['query.sort']);
    await refused('/api/servers?sort=name,-name', 422, ['query.sort']);
    await refused(`/api/servers?sort=${Array(300).fill('id').join(',')}`, 422, ['query.sort']);
    await refused('/api/users?sort=id,username,email,role,created_at', 422, ['query.sort']);
  });
});

describe('query strings', () => {
  it('refuse a repeated parameter (422) and escapes that are not UTF-8 (400), on lists and other routes', async () => {
    await refused('/api/servers?limit=1&limit=2', 422, ['query.limit']);
    await refused('/api/audit/checkpoints?sort=id&sort=-id', 422, ['query.sort']);
    await refused('/api/servers?q=%ff', 400, ['query.q']);
    await refused('/api/users?q=%C3%28', 400, ['query.q']);
    await refused('/api/tokens?all=true&all=false', 422, ['query.all']);
    await refused('/api/metrics/latest?rack_id=%ff', 400, ['query.rack_id']);
  });

  it('refuse empty, negative, fractional and huge numbers with 422', async () => {
    await refused('/api/racks?limit=', 422, ['query.limit']);
    await refused('/api/racks?datacenter_id=', 422, ['query.datacenter_id']);
    await refused('/api/racks?limit=-1&offset=-5', 422, ['query.limit', 'query.offset']);
    await refused('/api/racks?limit=2.5', 422, ['query.limit']);
    await refused(`/api/racks?offset=${'9'.repeat(40)}`, 422, ['query.offset']);
    await refused(`/api/racks?datacenter_id=${'9'.repeat(40)}`, 422, ['query.datacenter_id']);
    await refused('/api/racks?datacenter_id=-1,abc', 422, ['query.datacenter_id']);
    // an empty search is no search (a cleared search box)
    expect((await get('/api/racks?q=')).status).toBe(200);
  });

  it('pages past the end without error', async () => {
    const res = await get(`/api/audit/logs?offset=${Number.MAX_SAFE_INTEGER}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual([]);
  });
});
