import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRemoteWrite } from '../../worker/telemetry/ingest/prom-remote-write';
import { BASE, workerFetch } from '../helpers/api';
import {
  adminToken,
  api,
  apiToken,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  expectProblem,
  ingestJson,
  uniqueName,
  withStepUp,
  type Row,
} from '../helpers';

let admin: string;
let dc: Row;
let rack: Row;

const deviceBody = (overrides: Row = {}): Row => ({
  name: uniqueName('leaf'),
  device_type: 'access_switch',
  rack_id: rack.id,
  u_position: 40,
  u_size: 1,
  power_w: 300,
  management_ip: '10.0.0.1',
  ...overrides,
});
async function createDevice(overrides: Row = {}): Promise<Row> {
  const r = await api('/api/network/devices', { token: admin, json: deviceBody(overrides) });
  expect(r.status, r.text).toBe(201);
  return r.body;
}
async function addPorts(deviceId: number, names: string[], speed = '25G'): Promise<Row[]> {
  const r = await api('/api/network/ports', {
    token: admin,
    json: names.map((name) => ({ device_id: deviceId, name, speed })),
  });
  expect(r.status, r.text).toBe(201);
  return r.body;
}
const cable = (a: number, b: number, token = admin) =>
  api('/api/network/cables', { token, json: { a_port_id: a, b_port_id: b } });

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id, u_capacity: 42, power_capacity_kw: 10 });
});

describe('network devices', () => {
  it('creates, reads, filters, updates and deletes a device', async () => {
    const d = await createDevice({ device_type: 'core_switch', manufacturer: 'Arista', u_position: 30 });
    expect(d).toMatchObject({
      rack_name: rack.name,
      datacenter_id: dc.id,
      datacenter_name: dc.name,
      port_count: 0,
      connected_ports: 0,
    });
    const byType = await api(`/api/network/devices?datacenter_id=${dc.id}&device_type=core_switch`, { token: admin });
    expect(byType.body.map((r: Row) => r.id)).toEqual([d.id]);
    const byMaker = await api(`/api/network/devices?rack_id=${rack.id}&manufacturer=Arista`, { token: admin });
    expect(byMaker.body.map((r: Row) => r.id)).toEqual([d.id]);
    const found = await api(`/api/network/devices?q=${d.name}`, { token: admin });
    expect(found.headers.get('X-Total-Count')).toBe('1');

    const upd = await api(`/api/network/devices/${d.id}`, {
      method: 'PATCH',
      token: admin,
      json: { status: 'maintenance', management_ip: '2001:db8::1' },
    });
    expect(upd.status, upd.text).toBe(200);
    expect(upd.body).toMatchObject({ status: 'maintenance', management_ip: '2001:db8::1' });

    const dup = await api('/api/network/devices', {
      token: admin,
      json: deviceBody({ name: d.name.toUpperCase(), u_position: 31 }),
    });
    expectProblem(dup, 409, ['name']);

    expect((await api(`/api/network/devices/${d.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expectProblem(await api(`/api/network/devices/${d.id}`, { token: admin }), 404);
  });

  it('refuses a bad type, management IP, missing U and a rack that does not exist (422)', async () => {
    const r = await api('/api/network/devices', {
      token: admin,
      json: deviceBody({ device_type: 'hub', management_ip: '300.1.1.1', u_position: null }),
    });
    expectProblem(r, 422, ['device_type', 'management_ip', 'u_position']);
    expectProblem(await api('/api/network/devices', { token: admin, json: deviceBody({ rack_id: 999999 }) }), 422, [
      'rack_id',
    ]);
  });

  it('shares U slots with servers in the same rack, both ways (409)', async () => {
    const r2 = await createRack(admin, { datacenter_id: dc.id });
    const srv = await createServer(admin, { rack_id: r2.id, u_position: 10, u_size: 2 });
    expectProblem(
      await api('/api/network/devices', { token: admin, json: deviceBody({ rack_id: r2.id, u_position: 11 }) }),
      409,
      ['u_position'],
    );
    const sw = await createDevice({ rack_id: r2.id, u_position: 20 });
    const clash = await api(`/api/servers/${srv.id}`, { method: 'PATCH', token: admin, json: { u_position: 20 } });
    expectProblem(clash, 409, ['u_position']);
    // and the rack cannot go while it holds the switch
    const del = await api(`/api/racks/${r2.id}`, { method: 'DELETE', token: admin });
    expectProblem(del, 409);
    expect(del.body.detail).toMatch(/network devices/);
    expect((await api(`/api/network/devices/${sw.id}`, { token: admin })).body.rack_id).toBe(r2.id);
  });
});

describe('ports and cables', () => {
  let leaf: Row, spine: Row, leafPorts: Row[], spinePorts: Row[];
  beforeAll(async () => {
    leaf = await createDevice({ u_position: 1, name: uniqueName('leaf') });
    spine = await createDevice({ u_position: 2, name: uniqueName('spine'), device_type: 'core_switch' });
    leafPorts = await addPorts(
      leaf.id,
      Array.from({ length: 48 }, (_, i) => `Ethernet1/${i + 1}`),
    );
    spinePorts = await addPorts(spine.id, ['Ethernet1/1', 'Ethernet1/2', 'Ethernet1/3', 'Ethernet1/4'], '100G');
  });

  it('adds a 48-port faceplate in one request, names unique per device ignoring case', async () => {
    expect(leafPorts).toHaveLength(48);
    const d = await api(`/api/network/devices/${leaf.id}`, { token: admin });
    expect(d.body.port_count).toBe(48);
    const dup = await api('/api/network/ports', {
      token: admin,
      json: { device_id: leaf.id, name: 'ETHERNET1/1' },
    });
    expectProblem(dup, 409, ['name']);
    // the same name on another device is fine
    const other = await api('/api/network/ports', {
      token: admin,
      json: { device_id: spine.id, name: 'Ethernet1/48' },
    });
    expect(other.status, other.text).toBe(201);
    const bad = await api('/api/network/ports', { token: admin, json: { device_id: leaf.id, name: 'x', speed: '3G' } });
    expectProblem(bad, 422, ['speed']);
    const list = await api(`/api/network/ports?device_id=${leaf.id}&limit=3`, { token: admin });
    expect(list.body.map((p: Row) => p.name)).toEqual(['Ethernet1/1', 'Ethernet1/2', 'Ethernet1/3']);
    expect(list.headers.get('X-Total-Count')).toBe('48');
  });

  it('cables two ports and shows each end its peer', async () => {
    const r = await cable(leafPorts[0]!.id, spinePorts[0]!.id);
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ a_device_name: leaf.name, b_port_name: 'Ethernet1/1', b_speed: '100G' });
    const p = await api(`/api/network/ports/${leafPorts[0]!.id}`, { token: admin });
    expect(p.body).toMatchObject({
      cable_id: r.body.id,
      peer: `${spine.name}:Ethernet1/1`,
      peer_device_id: spine.id,
    });
    const cabled = await api(`/api/network/ports?device_id=${leaf.id}&cabled=true`, { token: admin });
    expect(cabled.body.map((x: Row) => x.id)).toEqual([leafPorts[0]!.id]);
    expect((await api(`/api/network/devices/${leaf.id}`, { token: admin })).body.connected_ports).toBe(1);
  });

  it('refuses a port used twice, on either end, naming the cable already there (409)', async () => {
    const first = await cable(leafPorts[1]!.id, spinePorts[1]!.id);
    expect(first.status, first.text).toBe(201);
    // the taken leaf port as the B end of a new cable
    const again = await cable(spinePorts[2]!.id, leafPorts[1]!.id);
    const p = expectProblem(again, 409, ['b_port_id'], true);
    expect(p.errors![0]!.message).toBe(
      `Ethernet1/2 of ${leaf.name} is already cabled to ${spine.name}:Ethernet1/2 (cable #${first.body.id})`,
    );
    // the taken spine port (a B end) as an A end
    expectProblem(await cable(spinePorts[1]!.id, leafPorts[5]!.id), 409, ['a_port_id'], true);
  });

  it('refuses two new cables of one request sharing a port, and writes neither', async () => {
    const r = await api('/api/network/cables', {
      token: admin,
      json: [
        { a_port_id: leafPorts[10]!.id, b_port_id: spinePorts[3]!.id },
        { a_port_id: leafPorts[11]!.id, b_port_id: spinePorts[3]!.id },
      ],
    });
    const p = expectProblem(r, 409, ['[1].b_port_id'], true);
    expect(p.errors![0]!.message).toMatch(/already used by \[0\]\. in this request/);
    const free = await api(`/api/network/ports/${spinePorts[3]!.id}`, { token: admin });
    expect(free.body.cable_id).toBeNull();
  });

  it('refuses a cable from a port to itself (422)', async () => {
    expectProblem(await cable(leafPorts[20]!.id, leafPorts[20]!.id), 422, ['b_port_id']);
  });

  it('refuses to delete a cabled port (409), and allows it once the cable is gone', async () => {
    const c = await cable(leafPorts[30]!.id, leafPorts[31]!.id);
    expect(c.status, c.text).toBe(201);
    const del = await api(`/api/network/ports/${leafPorts[30]!.id}`, { method: 'DELETE', token: admin });
    expectProblem(del, 409, ['id']);
    expect(del.body.detail).toMatch(/cable/);
    expect((await api(`/api/network/cables/${c.body.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await api(`/api/network/ports/${leafPorts[30]!.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
  });

  it('draws the topology: one edge per device pair with its capacity, utilisation from port telemetry', async () => {
    const d2 = await createDatacenter(admin);
    const r = await createRack(admin, { datacenter_id: d2.id });
    const core = await createDevice({ rack_id: r.id, u_position: 1, device_type: 'core_switch' });
    const acc = await createDevice({ rack_id: r.id, u_position: 2 });
    const cp = await addPorts(core.id, ['Ethernet1/1', 'Ethernet1/2'], '100G');
    const ap = await addPorts(acc.id, ['Ethernet1/49', 'Ethernet1/50'], '25G');
    for (let i = 0; i < 2; i++) expect((await cable(ap[i]!.id, cp[i]!.id)).status).toBe(201);

    const before = await api(`/api/network/traffic?datacenter_id=${d2.id}`, { token: admin });
    expect(before.status, before.text).toBe(200);
    expect(before.body.source).toBe('no telemetry');
    expect(before.body.links.map((l: Row) => l.utilisation_pct)).toEqual([null, null]);

    // the access switch reports Ethernet1/50: out 20 Gb/s on a 25G link = 80 %
    const ingest = await apiToken(admin, ['ingest']);
    const now = Date.now();
    const sent = await ingestJson(ingest, [
      {
        rack: r.id,
        metric: 'network_rx_bps',
        value: 1e9,
        ts: now,
        labels: { device: acc.name, ifName: 'Ethernet1/50' },
      },
      {
        rack: r.id,
        metric: 'network_tx_bps',
        value: 20e9,
        ts: now,
        labels: { device: acc.name, ifName: 'Ethernet1/50' },
      },
    ]);
    expect(sent.status, sent.text).toBe(200);

    const t = await api(`/api/network/traffic?datacenter_id=${d2.id}&limit=5`, { token: admin });
    expect(t.body.source).toBe('telemetry');
    expect(t.body.links[0]).toMatchObject({
      a: { device_id: acc.id, port_name: 'Ethernet1/50' },
      speed_bps: 25e9,
      in_bps: 1e9,
      out_bps: 20e9,
      utilisation_pct: 80,
    });
    expect(t.body.links[1].utilisation_pct).toBeNull();

    const topo = await api(`/api/network/topology?datacenter_id=${d2.id}`, { token: admin });
    expect(topo.status, topo.text).toBe(200);
    expect(topo.body.nodes.map((n: Row) => [n.id, n.layer, n.degree])).toEqual([
      [core.id, 0, 2],
      [acc.id, 2, 2],
    ]);
    // two 25G links (the slower end of 100G to 25G) = 50 Gb/s
    expect(topo.body.edges).toEqual([
      {
        a_device_id: Math.min(core.id, acc.id),
        b_device_id: Math.max(core.id, acc.id),
        cables: 2,
        capacity_bps: 50e9,
        utilisation_pct: 80,
      },
    ]);
    expectProblem(await api('/api/network/traffic?limit=0', { token: admin }), 422, ['query.limit']);
  });

  it("takes snmp_exporter's if_mib counters, remote-written with the switch's address, as rates on its ports", async () => {
    const d3 = await createDatacenter(admin);
    const r = await createRack(admin, { datacenter_id: d3.id });
    const spine = await createDevice({ rack_id: r.id, u_position: 1, device_type: 'core_switch' });
    const leaf = await createDevice({ rack_id: r.id, u_position: 2, management_ip: '10.66.0.2' });
    const [sp] = await addPorts(spine.id, ['Ethernet1/1'], '100G');
    const [lp] = await addPorts(leaf.id, ['Ethernet1/49'], '100G');
    expect((await cable(lp!.id, sp!.id)).status).toBe(201);
    const ingest = await apiToken(admin, ['ingest']);
    const t1 = Date.now() - 10_000;
    const t2 = t1 + 10_000;
    // the leaf's Ethernet1/49: 10 s apart, +31.25e9 octets in (25 Gb/s) and +12.5e9 out (10 Gb/s)
    const series = (name: string, v1: number, v2: number) => ({
      labels: { __name__: name, job: 'snmp', instance: '10.66.0.2', ifIndex: '49', ifName: 'Ethernet1/49' },
      samples: [
        { value: v1, ts: t1 },
        { value: v2, ts: t2 },
      ],
    });
    const res = await workerFetch(`${BASE}/api/prom/write`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${ingest}`,
        'Content-Type': 'application/x-protobuf',
        'Content-Encoding': 'snappy',
        'X-Prometheus-Remote-Write-Version': '0.1.0',
      },
      body: encodeRemoteWrite([
        series('ifHCInOctets', 1e12, 1e12 + 31.25e9),
        series('ifHCOutOctets', 5e11, 5e11 + 12.5e9),
      ]),
    });
    expect(res.status, await res.clone().text()).toBe(204);
    const t = await api(`/api/network/traffic?datacenter_id=${d3.id}`, { token: admin });
    expect(t.body.source).toBe('telemetry');
    expect(t.body.links[0]).toMatchObject({ in_bps: 25e9, out_bps: 10e9, utilisation_pct: 25 });
  });
});

describe('clearance', () => {
  it('hides devices, ports and cables of racks above the caller', async () => {
    await withStepUp(admin);
    const secret = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Top Secret' });
    const open = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Internal' });
    const hidden = await createDevice({ rack_id: secret.id, u_position: 1 });
    const shown = await createDevice({ rack_id: open.id, u_position: 1 });
    const [hp] = await addPorts(hidden.id, ['Ethernet1/1']);
    const [sp, sp2] = await addPorts(shown.id, ['Ethernet1/1', 'Ethernet1/2']);
    const c = await cable(sp!.id, hp!.id);
    expect(c.status, c.text).toBe(201);
    const viewer = (await createUser('viewer', admin)).token;

    expectProblem(await api(`/api/network/devices/${hidden.id}`, { token: viewer }), 404);
    expect((await api(`/api/network/devices/${shown.id}`, { token: viewer })).status).toBe(200);
    const devs = await api(`/api/network/devices?datacenter_id=${dc.id}`, { token: viewer });
    expect(devs.body.map((d: Row) => d.id)).not.toContain(hidden.id);
    expectProblem(await api(`/api/network/ports/${hp!.id}`, { token: viewer }), 404);
    expect((await api(`/api/network/ports?device_id=${hidden.id}`, { token: viewer })).body).toEqual([]);
    // the visible end does not name its hidden peer, and the cable itself is out of sight
    const mine = await api(`/api/network/ports/${sp!.id}`, { token: viewer });
    expect(mine.body).toMatchObject({ peer: null, peer_device_id: null });
    expectProblem(await api(`/api/network/cables/${c.body.id}`, { token: viewer }), 404);
    expect((await api(`/api/network/cables?device_id=${shown.id}`, { token: viewer })).body).toEqual([]);
    const topo = await api(`/api/network/topology?datacenter_id=${dc.id}`, { token: viewer });
    expect(topo.body.nodes.map((n: Row) => n.id)).not.toContain(hidden.id);
    // a cable to a port the caller cannot see is refused as pointing nowhere
    const op = await createUser('operator', admin);
    expectProblem(await cable(sp2!.id, hp!.id, op.token), 422, ['b_port_id']);
  });
});
