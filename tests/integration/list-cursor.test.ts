import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, createRack, createServer, expectProblem, uniqueName, type Row } from '../helpers';

let admin: string;
let rack: Row;

// Seven servers with ties and NULLs in the sort keys: the cases where a keyset condition goes wrong.
const shapes = [
  { os: null, manufacturer: 'Dell', power_supply_w: 500 },
  { os: 'Linux', manufacturer: 'Dell', power_supply_w: 750 },
  { os: 'Linux', manufacturer: null, power_supply_w: 500 },
  { os: null, manufacturer: 'HPE', power_supply_w: 750 },
  { os: 'ESXi', manufacturer: 'Dell', power_supply_w: 500 },
  { os: 'Linux', manufacturer: 'HPE', power_supply_w: 300 },
  { os: 'ESXi', manufacturer: null, power_supply_w: 750 },
];

beforeAll(async () => {
  admin = await adminToken();
  rack = await createRack(admin, { name: uniqueName('CURSOR'), u_capacity: 42, power_capacity_kw: 40 });
  for (const [i, s] of shapes.entries()) {
    await createServer(admin, { rack_id: rack.id, u_position: 1 + i * 2, name: uniqueName(`cur-${i}`), ...s });
  }
});

/** Every page of a keyset walk, following X-Next-Cursor, with the Link header of each. */
async function walk(sort: string, limit: number) {
  const ids: number[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const qs = new URLSearchParams({ rack_id: String(rack.id), sort, limit: String(limit) });
    if (after) qs.set('after', after);
    const res = await api<Row[]>(`/api/servers?${qs}`, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-total-count')).toBe(String(shapes.length));
    ids.push(...res.body.map((r) => r.id as number));
    after = res.headers.get('x-next-cursor');
    const link = res.headers.get('link') ?? '';
    if (!after) {
      expect(link).not.toContain('rel="next"');
      return ids;
    }
    if (pages > 0) expect(link).toMatch(/after=[A-Za-z0-9_-]+[^>]*>; rel="next"/);
  }
  throw new Error('the walk did not end');
}

describe('keyset pagination (after=)', () => {
  for (const sort of [
    'name',
    'manufacturer',
    'manufacturer,-power_supply_w',
    '-manufacturer,power_supply_w',
    '-power_supply_w',
  ]) {
    it(`pages through sort=${sort} exactly as one big page orders it`, async () => {
      const all = await api<Row[]>(`/api/servers?rack_id=${rack.id}&sort=${sort}&limit=1000`, { token: admin });
      const expected = all.body.map((r) => r.id);
      expect(expected).toHaveLength(shapes.length);
      for (const limit of [1, 2, 3]) expect(await walk(sort, limit)).toEqual(expected);
    });
  }

  it('refuses a cursor with offset, a cursor of another sort, and text that is not a cursor (422)', async () => {
    const first = await api(`/api/servers?rack_id=${rack.id}&sort=name&limit=2`, { token: admin });
    const cursor = first.headers.get('x-next-cursor')!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const base = `/api/servers?rack_id=${rack.id}&limit=2`;
    expectProblem(await api(`${base}&sort=name&offset=2&after=${cursor}`, { token: admin }), 422, ['query.after']);
    const other = expectProblem(await api(`${base}&sort=-name&after=${cursor}`, { token: admin }), 422, [
      'query.after',
    ]);
    expect(JSON.stringify(other.errors)).toContain('belongs to sort \\"name\\"');
    for (const bad of ['nope!', 'e30', btoa('{"s":"name","k":[{"x":1},2]}').replace(/=+$/, '')]) {
      expectProblem(await api(`${base}&sort=name&after=${encodeURIComponent(bad)}`, { token: admin }), 422, [
        'query.after',
      ]);
    }
  });
});
