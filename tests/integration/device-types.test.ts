import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import r640 from '../fixtures/device-types/Dell/PowerEdge-R640.yaml?raw';
import arista from '../fixtures/device-types/Arista/DCS-7050SX3-48YC8.yaml?raw';
import ap8941 from '../fixtures/device-types/APC/AP8941.yaml?raw';
import ds224c from '../fixtures/device-types/NetApp/DS224C.yaml?raw';
import { adminToken, api, asRole, createRack, createServer, expectProblem, uniqueName, type Row } from '../helpers';

let admin: string;
const ALL = [r640, arista, ap8941, ds224c].join('\n');
const yaml = (token: string, text: string, query = '') =>
  api(`/api/device-types/import${query}`, { token, body: text, headers: { 'content-type': 'text/yaml' } });
const count = async () => (await env.DB.prepare('SELECT count(*) AS n FROM device_types').first<{ n: number }>())!.n;
const byModel = async (model: string): Promise<Row> =>
  (await api(`/api/device-types?q=${encodeURIComponent(model)}`, { token: admin })).body[0];

beforeAll(async () => {
  admin = await adminToken();
});

describe('importing the NetBox library YAML', () => {
  it('a dry run reports what it would create and writes nothing', async () => {
    const before = await count();
    const res = await yaml(admin, ALL, '?dry_run=true');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ dry_run: true, created: 4, updated: 0, unchanged: 0 });
    expect(res.body.documents.map((d: Row) => [d.action, d.slug, d.kind, d.id])).toEqual([
      ['create', 'dell-poweredge-r640', 'server', null],
      ['create', 'arista-dcs-7050sx3-48yc8', 'network', null],
      ['create', 'apc-ap8941', 'pdu', null],
      ['create', 'netapp-ds224c', 'storage', null],
    ]);
    expect(await count()).toBe(before);
  });

  it('imports the fixtures: the R640 gets 1U and one PSU rating as its draw', async () => {
    const res = await yaml(admin, ALL);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ dry_run: false, created: 4, updated: 0 });
    const id = res.body.documents[0].id;
    const t = (await api(`/api/device-types/${id}`, { token: admin })).body;
    expect(t).toMatchObject({
      manufacturer: 'Dell',
      model: 'PowerEdge R640',
      slug: 'dell-poweredge-r640',
      kind: 'server',
      u_height: 1,
      is_full_depth: true,
      max_draw_w: 750,
      weight_kg: 21.9,
      device_count: 0,
    });
    expect(t.interfaces).toHaveLength(5);
    expect(t.components['module-bays']).toHaveLength(3);
    const d = await api(`/api/device-types/${id}/defaults`, { token: admin });
    expect(d.body.fields).toEqual({
      manufacturer: 'Dell',
      model: 'PowerEdge R640',
      u_size: 1,
      is_full_depth: true,
      device_type_id: id,
      power_supply_w: 750,
    });
    const sw = await byModel('DCS-7050SX3');
    const ports = (await api(`/api/device-types/${sw.id}/defaults?for=network`, { token: admin })).body.ports;
    expect(ports).toHaveLength(57);
    expect(ports.filter((p: Row) => p.speed === '100G')).toHaveLength(8);
    const pdu = await byModel('AP8941');
    expect((await api(`/api/device-types/${pdu.id}/defaults`, { token: admin })).body).toMatchObject({
      for: 'pdu',
      zero_u: true,
      fields: { outlets: 24, u_size: 1 },
    });
  });

  it('re-importing updates in place (case-insensitively), never duplicates', async () => {
    const before = await count();
    const same = await yaml(admin, ALL);
    expect(same.body).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    const changed = r640
      .replace('manufacturer: Dell', 'manufacturer: DELL')
      .replace(/maximum_draw: 750/g, 'maximum_draw: 1100');
    const res = await yaml(admin, changed);
    expect(res.body).toMatchObject({ created: 0, updated: 1 });
    expect(await count()).toBe(before);
    const t = (await api(`/api/device-types/${res.body.documents[0].id}`, { token: admin })).body;
    expect(t).toMatchObject({ manufacturer: 'DELL', max_draw_w: 1100 });
    // and back, through JSON { yaml }
    const back = await api('/api/device-types/import', { token: admin, json: { yaml: r640 } });
    expect(back.body).toMatchObject({ updated: 1 });
  });

  it('a bad document is a 422 naming it and its field, and nothing is written', async () => {
    const before = await count();
    const text = `${r640.replace('PowerEdge R640', 'PowerEdge R6415').replace('dell-poweredge-r640', 'dell-r6415')}\n---\nmanufacturer: Dell\nmodel: PowerEdge R7415\nu_height: 2.25\nairflow: sideways\n`;
    const p = expectProblem(await yaml(admin, text), 422, ['documents[1].u_height', 'documents[1].airflow'], true);
    expect(p.detail).toContain('documents[1].u_height');
    expect(await count()).toBe(before);
    expectProblem(await yaml(admin, 'manufacturer: [oops\n'), 422, ['documents[0]']);
    expectProblem(await api('/api/device-types/import', { token: admin, json: { yaml: '' } }), 422, ['yaml']);
    expectProblem(await yaml(admin, '   '), 400);
  });

  it('a slug held by another type is a 409', async () => {
    const text = 'manufacturer: Dell\nmodel: PowerEdge R640 clone\nslug: dell-poweredge-r640\n';
    expectProblem(await yaml(admin, text), 409, ['documents[0].slug']);
  });

  it('viewers may not import', async () => {
    expectProblem(await yaml(await asRole('viewer', admin), r640), 403);
  });
});

describe('the /device-types resource', () => {
  it('creates with a derived slug, inferred kind and draw from the ports; 409 on a duplicate model', async () => {
    const model = uniqueName('PowerEdge R750');
    const res = await api('/api/device-types', {
      token: admin,
      json: {
        manufacturer: 'Dell',
        model,
        u_height: 2,
        power_ports: [
          { name: 'PSU1', maximum_draw: 1400 },
          { name: 'PSU2', maximum_draw: 1400 },
        ],
        interfaces: [{ name: 'NIC1', type: '25gbase-x-sfp28' }],
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      slug: `dell-${model.toLowerCase().replace(/ /g, '-')}`,
      kind: 'server',
      max_draw_w: 1400,
      device_count: 0,
    });
    expect(res.body.interfaces[0]).toMatchObject({ speed: '25G', mgmt_only: false });
    const dup = await api('/api/device-types', {
      token: admin,
      json: { manufacturer: 'DELL', model: model.toUpperCase() },
    });
    expectProblem(dup, 409, ['model']);
    const slugDup = await api('/api/device-types', {
      token: admin,
      json: { manufacturer: 'X', model: 'Y', slug: res.body.slug },
    });
    expectProblem(slugDup, 409, ['slug']);
    expectProblem(
      await api('/api/device-types', { token: admin, json: { manufacturer: 'X', model: 'Z', u_height: 1.2 } }),
      422,
      ['u_height'],
    );
    const patched = await api(`/api/device-types/${res.body.id}`, {
      method: 'PATCH',
      token: admin,
      json: { kind: 'storage', u_height: 0.5 },
    });
    expect(patched.body).toMatchObject({ kind: 'storage', u_height: 0.5 });
  });

  it('filters, searches and sorts', async () => {
    const pdus = await api('/api/device-types?kind=pdu', { token: admin });
    expect(pdus.body.map((t: Row) => t.model)).toEqual(['AP8941']);
    const apc = await api('/api/device-types?manufacturer=APC', { token: admin });
    expect(apc.body).toHaveLength(1);
    const found = await api('/api/device-types?q=ds224', { token: admin });
    expect(found.body.map((t: Row) => t.slug)).toEqual(['netapp-ds224c']);
    const sorted = await api('/api/device-types?sort=-max_draw_w&limit=1', { token: admin });
    expect(sorted.body[0].model).toBe('AP8941');
    expect(Number(sorted.headers.get('x-total-count'))).toBeGreaterThanOrEqual(4);
  });

  it('counts the devices of a type (those the caller may see) and refuses to delete one in use', async () => {
    const t = await byModel('PowerEdge R640');
    const rack = await createRack(admin, { u_capacity: 42, power_capacity_kw: 20 });
    const secret = await createRack(admin, { u_capacity: 42, power_capacity_kw: 20, security_zone: 'Confidential' });
    const server = await createServer(admin, { rack_id: rack.id, u_position: 1, device_type_id: t.id });
    await createServer(admin, { rack_id: secret.id, u_position: 1, device_type_id: t.id });
    const sw = await api('/api/network/devices', {
      token: admin,
      json: {
        name: uniqueName('sw'),
        device_type: 'access_switch',
        rack_id: rack.id,
        u_position: 10,
        device_type_id: t.id,
      },
    });
    expect(sw.status, sw.text).toBe(201);
    // a storage system keeps its type too; an unknown type is a 422 naming the field
    const array = {
      name: uniqueName('arr'),
      datacenter_id: rack.datacenter_id,
      disk_count: 12,
      raw_capacity_tb: 120,
      device_type_id: t.id,
    };
    const st = await api('/api/storage', { token: admin, json: array });
    expect(st.status, st.text).toBe(201);
    expect(st.body.device_type_id).toBe(t.id);
    expectProblem(
      await api('/api/storage', { token: admin, json: { ...array, name: uniqueName('arr'), device_type_id: 999999 } }),
      422,
      ['device_type_id'],
    );
    expect((await api(`/api/device-types/${t.id}`, { token: admin })).body.device_count).toBe(4);
    // a viewer (Internal clearance) does not see the Confidential server, nor count it
    const viewer = await asRole('viewer', admin);
    expect((await api(`/api/device-types/${t.id}`, { token: viewer })).body.device_count).toBe(3);
    const refused = expectProblem(await api(`/api/device-types/${t.id}`, { method: 'DELETE', token: admin }), 409);
    expect(refused.detail).toMatch(/2 servers, 1 network devices and 1 storage systems/);
    expect(server.device_type_id).toBe(t.id);

    const unused = (
      await api('/api/device-types', { token: admin, json: { manufacturer: 'Acme', model: uniqueName('m') } })
    ).body;
    expect((await api(`/api/device-types/${unused.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
  });

  it('is public catalogue data: every reader sees it, only writers change it', async () => {
    for (const role of ['viewer', 'auditor'] as const) {
      const token = await asRole(role, admin);
      const list = await api('/api/device-types', { token });
      expect(list.status).toBe(200);
      expect(list.body.length).toBeGreaterThanOrEqual(4);
      expectProblem(await api('/api/device-types', { token, json: { manufacturer: 'A', model: 'B' } }), 403);
    }
    const operator = await asRole('operator', admin);
    expect(
      (await api('/api/device-types', { token: operator, json: { manufacturer: 'Op', model: uniqueName('m') } }))
        .status,
    ).toBe(201);
    expectProblem(await api('/api/device-types'), 401);
  });
});

describe('devices made from a type (the forms fill from /defaults, then create as usual)', () => {
  it("a server takes the R640's values and link; an unknown type is a 422 on device_type_id", async () => {
    const t = await byModel('PowerEdge R640');
    const d = (await api(`/api/device-types/${t.id}/defaults?for=server`, { token: admin })).body;
    const rack = await createRack(admin, { u_capacity: 42, power_capacity_kw: 20 });
    // the user overrides the power draw the type proposed; the rest is kept
    const s = await createServer(admin, { rack_id: rack.id, u_position: 5, ...d.fields, power_supply_w: 600 });
    expect(s).toMatchObject({
      manufacturer: 'Dell',
      model: 'PowerEdge R640',
      u_size: 1,
      power_supply_w: 600,
      device_type_id: t.id,
    });
    const missing = expectProblem(
      await api('/api/servers', {
        token: admin,
        json: {
          name: uniqueName('srv'),
          serial_number: uniqueName('SN'),
          rack_id: rack.id,
          u_position: 10,
          device_type_id: 999_999,
        },
      }),
      422,
      ['device_type_id'],
    );
    expect(missing.errors![0]!.message).toMatch(/Device type 999999 does not exist/);
    // the link can be changed and cleared like any field
    expectProblem(
      await api(`/api/servers/${s.id}`, { method: 'PATCH', token: admin, json: { device_type_id: 999_999 } }),
      422,
      ['device_type_id'],
    );
    const cleared = await api(`/api/servers/${s.id}`, {
      method: 'PATCH',
      token: admin,
      json: { device_type_id: null },
    });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body.device_type_id).toBeNull();
  });

  it("a switch takes the Arista's values, and its ports are created from the type's interfaces in one request", async () => {
    const t = await byModel('DCS-7050SX3');
    const d = (await api(`/api/device-types/${t.id}/defaults?for=network`, { token: admin })).body;
    const rack = await createRack(admin, { u_capacity: 42, power_capacity_kw: 20 });
    const sw = await api('/api/network/devices', {
      token: admin,
      json: { name: uniqueName('leaf'), device_type: 'access_switch', rack_id: rack.id, u_position: 40, ...d.fields },
    });
    expect(sw.status, sw.text).toBe(201);
    expect(sw.body).toMatchObject({ manufacturer: 'Arista', device_type_id: t.id, u_size: 1 });
    expect(sw.body.power_w).toBe(d.fields.power_w);
    // what the new-device form sends when "create its ports" is left on
    const ports = await api('/api/network/ports', {
      token: admin,
      json: d.ports.map((p: Row) => ({
        device_id: sw.body.id,
        name: p.name,
        ...(p.speed ? { speed: p.speed } : {}),
        ...(p.mgmt_only ? { description: 'management' } : {}),
      })),
    });
    expect(ports.status, ports.text).toBe(201);
    expect(ports.body).toHaveLength(57);
    expect((await api(`/api/network/devices/${sw.body.id}`, { token: admin })).body.port_count).toBe(57);
    expectProblem(
      await api('/api/network/devices', {
        token: admin,
        json: {
          name: uniqueName('leaf'),
          device_type: 'access_switch',
          rack_id: rack.id,
          u_position: 30,
          device_type_id: 999_999,
        },
      }),
      422,
      ['device_type_id'],
    );
  });
});
