import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  asRole,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  expectProblem,
  uniqueName,
  withStepUp,
  type Row,
} from '../helpers';

// Prefixes live in one space for the whole run: each test takes its own 10.<net>.x.0 networks.
const NET = 1 + Math.floor(Math.random() * 250);
let next = 0;
const net = () => `10.${NET}.${next++}`;

let admin: string;
let dc: Row;
let rack: Row;
let server: Row;

const post = (path: string, json: unknown, token = admin) => api(`/api/ipam${path}`, { token, json });
async function created(path: string, json: Row, token = admin): Promise<Row> {
  const r = await post(path, json, token);
  expect(r.status, r.text).toBe(201);
  return r.body;
}
const get = (path: string, token = admin) => api(`/api/ipam${path}`, { token });

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id });
  server = await createServer(admin, { rack_id: rack.id });
});

describe('prefixes', () => {
  it('stores the canonical prefix and refuses host bits, bad CIDR and duplicates', async () => {
    const n = net();
    const p = await created('/prefixes', { prefix: `${n}.0/24`, datacenter_id: dc.id, description: 'web' });
    expect(p).toMatchObject({
      prefix: `${n}.0/24`,
      family: 4,
      prefix_length: 24,
      status: 'active',
      is_pool: false,
      datacenter_name: dc.name,
      size: '256',
      address_count: 0,
      utilisation_pct: 0,
    });
    const v6 = await created('/prefixes', { prefix: `2001:DB8:${NET.toString(16)}:0::/64` });
    expect(v6).toMatchObject({ prefix: `2001:db8:${NET.toString(16)}::/64`, family: 6, size: '18446744073709551616' });

    const host = expectProblem(await post('/prefixes', { prefix: `${n}.1/24` }), 422, ['prefix']);
    expect(host.errors![0].message).toBe(`${n}.1/24 is not a network address; did you mean ${n}.0/24?`);
    expectProblem(await post('/prefixes', { prefix: '10.0.0.0/33' }), 422, ['prefix']);
    expectProblem(await post('/prefixes', { prefix: 'not-a-prefix' }), 422, ['prefix']);
    const dup = expectProblem(await post('/prefixes', { prefix: `${n}.0/24` }), 409, ['prefix']);
    expect(dup.detail).toContain(`${n}.0/24`);
  });

  it('works out parent, depth, children and the contains/within filters', async () => {
    // the 172.16-31 space is this file's alone
    const b = `172.${(NET % 16) + 16}`;
    const top = await created('/prefixes', { prefix: `${b}.0.0/16`, status: 'container' });
    const mid = await created('/prefixes', { prefix: `${b}.4.0/22`, status: 'container' });
    const leaf = await created('/prefixes', { prefix: `${b}.5.0/24` });
    const got = (await get(`/prefixes/${leaf.id}`)).body;
    expect(got).toMatchObject({ parent_id: mid.id, depth: 2, child_count: 0 });
    expect((await get(`/prefixes/${top.id}`)).body).toMatchObject({ parent_id: null, depth: 0, child_count: 2 });
    // container utilisation: the /22 covers 1024 of 65536 = 1.5625 % -> 1.56
    expect((await get(`/prefixes/${top.id}`)).body.utilisation_pct).toBe(1.56);
    // the /22 holds one /24 of its four: 25 %
    expect((await get(`/prefixes/${mid.id}`)).body.utilisation_pct).toBe(25);

    const holding = (await get(`/prefixes?contains=${b}.5.9`)).body as Row[];
    expect(holding.map((p) => p.id)).toEqual([top.id, mid.id, leaf.id]);
    const within = (await get(`/prefixes?within=${encodeURIComponent(`${b}.0.0/16`)}`)).body as Row[];
    expect(within.map((p) => p.id)).toEqual([mid.id, leaf.id]);
    const children = (await get(`/prefixes?parent_id=${top.id}`)).body as Row[];
    expect(children.map((p) => p.id)).toEqual([mid.id]);
    expectProblem(await get('/prefixes?contains=nonsense'), 422, ['query.contains']);

    const free = (await get(`/prefixes/${mid.id}/available-prefixes`)).body as Row[];
    expect(free.map((p) => p.prefix)).toEqual([`${b}.4.0/24`, `${b}.6.0/23`]);
  });

  it('a VLAN of another site is refused; deleting a VLAN with prefixes is refused', async () => {
    const other = await createDatacenter(admin);
    const vid = 100 + (NET % 3000);
    const vlan = await created('/vlans', { vid, name: 'servers', datacenter_id: other.id });
    expectProblem(await post('/prefixes', { prefix: `${net()}.0/24`, datacenter_id: dc.id, vlan_id: vlan.id }), 422, [
      'vlan_id',
    ]);
    const ok = await created('/prefixes', { prefix: `${net()}.0/24`, datacenter_id: other.id, vlan_id: vlan.id });
    expect(ok).toMatchObject({ vlan_vid: vid, vlan_name: 'servers' });
    expectProblem(await api(`/api/ipam/vlans/${vlan.id}`, { method: 'DELETE', token: admin }), 409, ['id']);
    // and the site cannot go while it has VLANs and prefixes
    const gone = expectProblem(await api(`/api/datacenters/${other.id}`, { method: 'DELETE', token: admin }), 409);
    expect(gone.detail).toMatch(/VLANs/);
    expect(gone.detail).toMatch(/prefixes/);
  });
});

describe('VLANs', () => {
  it('vid 1-4094, once per site (and once among global VLANs)', async () => {
    const site = await createDatacenter(admin);
    expectProblem(await post('/vlans', { vid: 0, name: 'x' }), 422, ['vid']);
    expectProblem(await post('/vlans', { vid: 4095, name: 'x' }), 422, ['vid']);
    const v = await created('/vlans', { vid: 10, name: 'mgmt', datacenter_id: site.id });
    expect(v).toMatchObject({ datacenter_name: site.name, prefix_count: 0, status: 'active' });
    const dup = expectProblem(await post('/vlans', { vid: 10, name: 'again', datacenter_id: site.id }), 409, ['vid']);
    expect(dup.detail).toContain('VLAN 10');
    // another site may use vid 10
    await created('/vlans', { vid: 10, name: 'mgmt', datacenter_id: (await createDatacenter(admin)).id });
    const gvid = 2000 + (NET % 2000);
    await created('/vlans', { vid: gvid, name: uniqueName('global') });
    expectProblem(await post('/vlans', { vid: gvid, name: 'twice' }), 409, ['vid']);
    const list = (await get(`/vlans?datacenter_id=${site.id}`)).body as Row[];
    expect(list.map((r) => r.vid)).toEqual([10]);
  });
});

describe('IP addresses', () => {
  it('takes the mask of its prefix, links to the most specific prefix, and counts toward utilisation', async () => {
    const n = net();
    const p = await created('/prefixes', { prefix: `${n}.0/24`, datacenter_id: dc.id });
    const a = await created('/ip-addresses', {
      address: `${n}.5`,
      assigned_kind: 'server',
      assigned_id: server.id,
      dns_name: 'web-01.example.com',
    });
    expect(a).toMatchObject({
      address: `${n}.5`,
      prefix_length: 24,
      prefix_id: p.id,
      prefix: `${n}.0/24`,
      assigned_name: server.name,
      datacenter_id: dc.id,
      status: 'active',
    });
    await created('/ip-addresses', { address: `${n}.6/24` });
    await created('/ip-addresses', { address: `${n}.7/24`, status: 'reserved' });
    // 3 addresses over 254 usable = 1.18 %
    expect((await get(`/prefixes/${p.id}`)).body).toMatchObject({ address_count: 3, utilisation_pct: 1.18 });
    const inPrefix = (await get(`/ip-addresses?prefix_id=${p.id}`)).body as Row[];
    expect(inPrefix.map((r) => r.address)).toEqual([`${n}.5`, `${n}.6`, `${n}.7`]);
    expect((await get(`/ip-addresses?assigned_kind=server&assigned_id=${server.id}`)).body).toHaveLength(1);

    const dup = expectProblem(await post('/ip-addresses', { address: `${n}.5/24` }), 409, ['address']);
    expect(dup.errors![0].message).toBe(`${n}.5 is already assigned to ${server.name} (#${a.id})`);
    expectProblem(await post('/ip-addresses', { address: `${n}.255` }), 422, ['address']);
    expectProblem(await post('/ip-addresses', { address: `${n}.0` }), 422, ['address']);
    expectProblem(await post('/ip-addresses', { address: '10.0.0.300' }), 422, ['address']);

    // a smaller prefix created later becomes the address's prefix; deleting it hands the address back
    const small = await created('/prefixes', { prefix: `${n}.4/30` });
    expect((await get(`/ip-addresses/${a.id}`)).body.prefix_id).toBe(small.id);
    const del = await api(`/api/ipam/prefixes/${small.id}`, { method: 'DELETE', token: admin });
    expect(del.status, del.text).toBe(204);
    expect((await get(`/ip-addresses/${a.id}`)).body.prefix_id).toBe(p.id);
    // NetBox allows deleting a prefix that holds addresses: they stay, with no prefix
    expect((await api(`/api/ipam/prefixes/${p.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await get(`/ip-addresses/${a.id}`)).body).toMatchObject({ prefix_id: null, address: `${n}.5` });
  });

  it('assignment needs both kind and id, and a target that exists', async () => {
    expectProblem(await post('/ip-addresses', { address: `${net()}.9/32`, assigned_kind: 'server' }), 422, [
      'assigned_id',
    ]);
    expectProblem(await post('/ip-addresses', { address: `${net()}.9/32`, assigned_id: server.id }), 422, [
      'assigned_kind',
    ]);
    const missing = expectProblem(
      await post('/ip-addresses', { address: `${net()}.9/32`, assigned_kind: 'vm', assigned_id: 999999 }),
      422,
      ['assigned_id'],
    );
    expect(missing.errors![0].message).toBe('VM 999999 does not exist');
    expectProblem(
      await post('/ip-addresses', { address: `${net()}.9/32`, assigned_kind: 'toaster', assigned_id: 1 }),
      422,
      ['assigned_kind'],
    );
  });

  it('a server with addresses cannot be deleted until they go', async () => {
    const s = await createServer(admin, { rack_id: rack.id, u_position: 10 });
    const a = await created('/ip-addresses', { address: `${net()}.20/32`, assigned_kind: 'server', assigned_id: s.id });
    expectProblem(await api(`/api/servers/${s.id}`, { method: 'DELETE', token: admin }), 409);
    await api(`/api/ipam/ip-addresses/${a.id}`, {
      method: 'PATCH',
      token: admin,
      json: { assigned_kind: null, assigned_id: null },
    });
    expect((await api(`/api/servers/${s.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
  });

  it('IPv6: canonical, /128 without a prefix, /64 with one', async () => {
    const h = (NET + 0x100).toString(16);
    const lone = await created('/ip-addresses', { address: `2001:DB8:${h}::0:10` });
    expect(lone).toMatchObject({ address: `2001:db8:${h}::10`, prefix_length: 128, family: 6, prefix_id: null });
    const p = await created('/prefixes', { prefix: `2001:db8:${h}:1::/64` });
    const free = (await get(`/prefixes/${p.id}/available-ips?limit=2`)).body;
    expect(free).toEqual([
      { address: `2001:db8:${h}:1::1/64`, family: 6, prefix_length: 64 },
      { address: `2001:db8:${h}:1::2/64`, family: 6, prefix_length: 64 },
    ]);
  });
});

describe('available addresses', () => {
  it('offers the next free ones and allocates them, 409 once the prefix is full', async () => {
    const n = net();
    const p = await created('/prefixes', { prefix: `${n}.0/29` }); // hosts .1-.6
    await created('/ip-addresses', { address: `${n}.2/29` });
    const offer = (await get(`/prefixes/${p.id}/available-ips?limit=3`)).body as Row[];
    expect(offer.map((o) => o.address)).toEqual([`${n}.1/29`, `${n}.3/29`, `${n}.4/29`]);

    const one = await api(`/api/ipam/prefixes/${p.id}/available-ips`, {
      token: admin,
      json: { assigned_kind: 'server', assigned_id: server.id, dns_name: 'db-01', status: 'active' },
    });
    expect(one.status, one.text).toBe(201);
    expect(one.body).toMatchObject([
      { address: `${n}.1`, prefix_length: 29, assigned_name: server.name, dns_name: 'db-01' },
    ]);

    // two allocations at once never get the same address
    const both = await Promise.all(
      [1, 2].map(() => api(`/api/ipam/prefixes/${p.id}/available-ips`, { token: admin, json: {} })),
    );
    const got = both.map((r) => (r.status === 201 ? r.body[0].address : r.status));
    expect(new Set(got).size).toBe(2);
    for (const g of got) expect([`${n}.3`, `${n}.4`]).toContain(g);

    const rest = await api(`/api/ipam/prefixes/${p.id}/available-ips`, { token: admin, json: { count: 2 } });
    expect(rest.status, rest.text).toBe(201);
    expect(rest.body.map((r: Row) => r.address)).toEqual([`${n}.5`, `${n}.6`]);
    expect((await get(`/prefixes/${p.id}`)).body.utilisation_pct).toBe(100);
    const full = expectProblem(await api(`/api/ipam/prefixes/${p.id}/available-ips`, { token: admin, json: {} }), 409);
    expect(full.detail).toContain('full');
    expect((await get(`/prefixes/${p.id}/available-ips`)).body).toEqual([]);
    expectProblem(await get(`/prefixes/${p.id}/available-ips?limit=0`), 422, ['query.limit']);
    expectProblem(await get('/prefixes/999999/available-ips'), 404);
  });

  it('a /31 hands out both addresses', async () => {
    const p = await created('/prefixes', { prefix: `${net()}.0/31` });
    const r = await api(`/api/ipam/prefixes/${p.id}/available-ips`, { token: admin, json: { count: 2 } });
    expect(r.status, r.text).toBe(201);
    expect((await get(`/prefixes/${p.id}`)).body).toMatchObject({ utilisation_pct: 100, address_count: 2 });
  });

  it('the summary counts per site', async () => {
    const site = await createDatacenter(admin);
    const n = net();
    await created('/prefixes', { prefix: `${n}.0/30`, datacenter_id: site.id }); // 2 usable
    await created('/ip-addresses', { address: `${n}.1` });
    await created('/vlans', { vid: 42, name: 'x', datacenter_id: site.id });
    const s = (await get('/summary')).body;
    expect(s.datacenters.find((d: Row) => d.datacenter_id === site.id)).toEqual({
      datacenter_id: site.id,
      datacenter_name: site.name,
      prefixes: 1,
      addresses: 1,
      vlans: 1,
      ipv4_utilisation_pct: 50,
    });
  });
});

describe('clearance and roles', () => {
  it('an address on a server in a Top Secret rack does not exist for a viewer', async () => {
    await withStepUp(admin);
    const secretRack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Top Secret' });
    const secret = await createServer(admin, { rack_id: secretRack.id });
    const n = net();
    const p = await created('/prefixes', { prefix: `${n}.0/24` });
    const hidden = await created('/ip-addresses', {
      address: `${n}.10`,
      assigned_kind: 'server',
      assigned_id: secret.id,
    });
    const open = await created('/ip-addresses', { address: `${n}.11` });
    const viewer = (await createUser('viewer', admin)).token;

    const list = await api(`/api/ipam/ip-addresses?prefix_id=${p.id}`, { token: viewer });
    expect((list.body as Row[]).map((r) => r.id)).toEqual([open.id]);
    expect(list.headers.get('X-Total-Count')).toBe('1');
    expectProblem(await get(`/ip-addresses/${hidden.id}`, viewer), 404);
    // counts and figures leave it out too
    expect((await get(`/prefixes/${p.id}`, viewer)).body.address_count).toBe(1);
    expect((await get(`/prefixes/${p.id}`)).body.address_count).toBe(2);
    // not offered as free, and not named when someone else asks for it
    const offer = (await get(`/prefixes/${p.id}/available-ips?limit=10`, viewer)).body as Row[];
    expect(offer.map((o) => o.address)).not.toContain(`${n}.10/24`);
    const operator = await asRole('operator', admin);
    const taken = expectProblem(await post('/ip-addresses', { address: `${n}.10` }, operator), 409, ['address']);
    expect(taken.errors![0].message).toBe(`${n}.10 is already taken`);
    // nor read about in the audit trail
    const auditor = await createUser('auditor', admin);
    const entries = (await api('/api/audit/logs?entity_type=ip_address&limit=1000', { token: auditor.token }))
      .body as Row[];
    const about = new Set(entries.map((e) => Number(e.entity_id)));
    expect(about.has(open.id)).toBe(true);
    expect(about.has(hidden.id)).toBe(false);
    // the target itself is out of sight for assignment
    expectProblem(
      await post('/ip-addresses', { address: `${n}.12`, assigned_kind: 'server', assigned_id: secret.id }, operator),
      422,
      ['assigned_id'],
    );
  });

  it('viewers read, operators write', async () => {
    const viewer = await asRole('viewer', admin);
    expect((await get('/prefixes', viewer)).status).toBe(200);
    expect((await get('/vlans', viewer)).status).toBe(200);
    expectProblem(await post('/prefixes', { prefix: `${net()}.0/24` }, viewer), 403);
    const operator = await asRole('operator', admin);
    await created('/prefixes', { prefix: `${net()}.0/24` }, operator);
  });
});
