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

// One datacenter named after a unique marker, a rack in each zone and a server in each rack, so every query
// below is answered by these rows alone whatever else the file's database holds.
const ZONES = ['Public', 'Internal', 'Confidential', 'Top Secret'];
const mark = uniqueName('ZQ').toLowerCase().replace(/-/g, '');
let admin: string;
let viewer: string;
let dc: Row;
const racks: Record<string, Row> = {};
const servers: Record<string, Row> = {};

beforeAll(async () => {
  admin = await adminToken();
  await withStepUp(admin);
  dc = await createDatacenter(admin, { name: `${mark}-hall` });
  for (const [i, zone] of ZONES.entries()) {
    racks[zone] = await createRack(admin, {
      datacenter_id: dc.id,
      name: `${mark}-rack-${i}`,
      security_zone: zone,
    });
    servers[zone] = await createServer(admin, {
      rack_id: racks[zone].id,
      name: `${mark}-srv-${i}`,
      serial_number: `${mark.toUpperCase()}SN${i}`,
      ip_address: `10.77.${i}.15`,
      management_ip: `10.78.${i}.15`,
    });
  }
  viewer = (await createUser('viewer', admin)).token;
});

const search = (q: string, token = admin, extra = '') =>
  api(`/api/search?q=${encodeURIComponent(q)}${extra}`, { token });
const names = (rows: Row[]) => rows.map((r) => r.name);

describe('GET /api/search', () => {
  it('groups hits by kind and matches names, serial numbers and IP addresses', async () => {
    const r = await search(mark, admin, '&limit=25');
    expect(r.status, r.text).toBe(200);
    expect(names(r.body.datacenters)).toEqual([`${mark}-hall`]);
    expect(names(r.body.racks)).toEqual(ZONES.map((_, i) => `${mark}-rack-${i}`));
    expect(names(r.body.servers)).toEqual(ZONES.map((_, i) => `${mark}-srv-${i}`));

    const bySerial = await search(`${mark}sn2`);
    expect(bySerial.body.servers).toMatchObject([{ id: servers.Confidential.id, rank: 0, matched: 'serial_number' }]);

    const byIp = await search('10.78.3.15');
    expect(byIp.body.servers.map((s: Row) => s.id)).toContain(servers['Top Secret'].id);
    expect(byIp.body.servers.find((s: Row) => s.id === servers['Top Secret'].id).matched).toBe('management_ip');
  });

  it('ranks exact, then prefix, then substring', async () => {
    // "<mark>-rack-1" is exact for one rack; a prefix of none other; the datacenter only contains "rack" nowhere
    const exact = await search(`${mark}-rack-1`);
    expect(exact.body.racks).toMatchObject([{ name: `${mark}-rack-1`, rank: 0 }]);

    // prefix: every rack starts with "<mark>-r"; the tail "rack-1" is a substring of one rack only
    const mixed = await search(`${mark}-rack-`);
    expect(mixed.body.racks.every((r: Row) => r.rank === 1)).toBe(true);
    const tail = await search(`k-1`);
    const ours = tail.body.racks.filter((r: Row) => r.name.startsWith(mark));
    expect(ours).toMatchObject([{ name: `${mark}-rack-1`, rank: 2 }]);

    // one query hitting a server exactly by serial and others by prefix of name: exact comes first
    const sn = `${mark.toUpperCase()}SN0`;
    await createServer(admin, { rack_id: racks.Public.id, name: `${sn}-twin`, u_position: 10 });
    const ranked = await search(sn);
    expect(ranked.body.servers.map((s: Row) => [s.name, s.rank])).toEqual([
      [`${mark}-srv-0`, 0],
      [`${sn}-twin`, 1],
    ]);
  });

  it('matches % and _ literally', async () => {
    const pct = await search(`${mark}%`);
    expect(pct.status).toBe(200);
    expect([...pct.body.datacenters, ...pct.body.racks, ...pct.body.servers]).toEqual([]);
    const under = await search(`${mark}_rack`);
    expect(under.body.racks).toEqual([]);
    const literal = await createDatacenter(admin, { name: `${mark}_100%` });
    const hit = await search(`${mark}_100%`);
    expect(hit.body.datacenters.map((d: Row) => d.id)).toEqual([literal.id]);
  });

  it('returns only what the caller may see, like the lists', async () => {
    const r = await search(mark, viewer, '&limit=25');
    expect(r.status, r.text).toBe(200);
    expect(names(r.body.racks)).toEqual([`${mark}-rack-0`, `${mark}-rack-1`]);
    expect(names(r.body.datacenters)).toContain(`${mark}-hall`);
    const seen = r.body.servers.map((s: Row) => s.id);
    expect(seen).toEqual(expect.arrayContaining([servers.Public.id, servers.Internal.id]));
    expect(seen).not.toContain(servers.Confidential.id);
    expect(seen).not.toContain(servers['Top Secret'].id);

    // an exact serial number of a Confidential server is no hit either
    const hidden = await search(`${mark}SN2`, viewer);
    expect(hidden.body.servers).toEqual([]);
    const lists = await api(`/api/servers?datacenter_id=${dc.id}`, { token: viewer });
    expect(lists.body.map((s: Row) => s.id).sort()).toEqual([...seen].sort());
  });

  it('caps each kind at limit', async () => {
    const r = await search(mark, admin, '&limit=2');
    expect(r.body.racks).toHaveLength(2);
    expect(r.body.servers).toHaveLength(2);
  });

  it('refuses bad input with a problem naming the field', async () => {
    expectProblem(await search(''), 422, ['query.q']);
    expectProblem(await search('x'.repeat(201)), 422, ['query.q']);
    expect((await search('x'.repeat(200))).status).toBe(200);
    expectProblem(await search('a', admin, '&limit=0'), 422, ['query.limit']);
    expectProblem(await search('a', admin, '&limit=26'), 422, ['query.limit']);
    expectProblem(await search('a', admin, '&limit=abc'), 422, ['query.limit']);
    expectProblem(await api('/api/search?q=a'), 401);
  });
});
