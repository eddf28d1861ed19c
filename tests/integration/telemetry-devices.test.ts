// Samples from rack-mounted devices that are not servers (a storage array, a switch scraped by snmp_exporter) land
// on the device's rack, labelled with the device, through every ingest path; names, serials and management
// addresses resolve; clearance hides a device in a rack above the sender's zone like a server.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRemoteWrite } from '../../worker/telemetry/ingest/prom-remote-write';
import { forgetDevices } from '../../worker/telemetry/resolve';
import { adminToken, api, apiToken, createRack, createUser, ingestJson, type Row } from '../helpers';
import { BASE, workerFetch } from '../helpers/api';

let admin: string;
let ingest: string;
let rack: Row;
let secret: Row;

const insertDevice = (sql: string, ...binds: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...binds)
    .run();

const latest = async (rackId: number, metric: string) => {
  const res = await api(`/api/metrics/latest?rack_id=${rackId}&metric=${metric}`, { token: admin });
  expect(res.status, res.text).toBe(200);
  return res.body as Row[];
};

beforeAll(async () => {
  admin = await adminToken();
  rack = await createRack(admin, { name: 'TEL-DEV-1' });
  secret = await createRack(admin, { name: 'TEL-DEV-TS', security_zone: 'Confidential' });
  await insertDevice(
    `INSERT INTO storage_systems (name, datacenter_id, rack_id, u_position, disk_count, raw_capacity_tb,
       usable_capacity_tb, serial_number, management_ip) VALUES ('tel-san-01', ?, ?, 20, 12, 96, 80, 'SAN-SN-1', '10.77.0.10')`,
    rack.datacenter_id,
    rack.id,
  );
  await insertDevice(
    `INSERT INTO network_devices (name, rack_id, u_position, management_ip) VALUES ('tel-leaf-01', ?, 40, '10.77.0.20')`,
    rack.id,
  );
  await insertDevice(
    `INSERT INTO network_devices (name, rack_id, u_position, management_ip) VALUES ('tel-fw-hidden', ?, 40, '10.77.0.30')`,
    secret.id,
  );
  forgetDevices();
  ingest = await apiToken(admin, ['ingest']);
});

describe('device samples', () => {
  it('routes a storage array by name or serial to its rack, labelled device and device_kind', async () => {
    const now = Date.now();
    const res = await ingestJson(ingest, [
      { server: 'tel-san-01', metric: 'storage_read_iops', value: 12500, ts: now },
      { server: 'SAN-SN-1', metric: 'storage_latency_ms', value: 0.8, ts: now, labels: { device: 'lun7' } },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, unmatched: 0 });
    const [iops] = await latest(rack.id, 'storage_read_iops');
    expect(iops).toMatchObject({
      server_id: null,
      rack_id: rack.id,
      value: 12500,
      labels: { device: 'tel-san-01', device_kind: 'storage' },
    });
    // the sender's own `device` label (a LUN) is kept beside the inventory name
    const [lat] = await latest(rack.id, 'storage_latency_ms');
    expect(lat.labels).toEqual({ device: 'tel-san-01', device_kind: 'storage', device_part: 'lun7' });
  });

  it("maps snmp_exporter's if_mib series (remote write, instance = the switch's address) to the switch's ports", async () => {
    const ts = Date.now();
    const port = (ifIndex: string, ifName: string) => ({ job: 'snmp', instance: '10.77.0.20', ifIndex, ifName });
    const payload = encodeRemoteWrite([
      { labels: { __name__: 'ifHCInOctets', ...port('1', 'Ethernet1/1') }, samples: [{ value: 9.5e9, ts }] },
      { labels: { __name__: 'ifHCOutOctets', ...port('1', 'Ethernet1/1') }, samples: [{ value: 4.1e9, ts }] },
      { labels: { __name__: 'ifHighSpeed', ...port('2', 'Ethernet1/2') }, samples: [{ value: 25000, ts }] },
      { labels: { __name__: 'ifOperStatus', ...port('2', 'Ethernet1/2') }, samples: [{ value: 1, ts }] },
      // a switch in a Confidential rack is outside this token's clearance: unmatched, its rack not disclosed
      {
        labels: { __name__: 'ifInErrors', job: 'snmp', instance: '10.77.0.30', ifName: 'Ethernet1/1' },
        samples: [{ value: 3, ts }],
      },
    ]);
    // a new admin keeps the default Internal clearance: below the Confidential rack
    const limited = await apiToken((await createUser('admin', admin)).token, ['ingest']);
    const res = await workerFetch(`${BASE}/api/prom/write`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${limited}`,
        'Content-Type': 'application/x-protobuf',
        'Content-Encoding': 'snappy',
        'X-Prometheus-Remote-Write-Version': '0.1.0',
      },
      body: payload,
    });
    expect(res.status, await res.clone().text()).toBe(204);
    expect(res.headers.get('X-Ingest-Accepted')).toBe('4');
    expect(res.headers.get('X-Ingest-Unmatched')).toBe('1');
    const [rx] = await latest(rack.id, 'ifHCInOctets');
    expect(rx).toMatchObject({
      rack_id: rack.id,
      value: 9.5e9,
      labels: { job: 'snmp', ifIndex: '1', ifName: 'Ethernet1/1', device: 'tel-leaf-01', device_kind: 'network' },
    });
    expect((await latest(rack.id, 'ifHighSpeed'))[0].labels.ifName).toBe('Ethernet1/2');
    expect(await latest(secret.id, 'ifInErrors')).toEqual([]);
  });

  it('a server answering to the same term wins over another device', async () => {
    const res = await api('/api/servers', {
      token: admin,
      json: { name: 'tel-twin', rack_id: rack.id, u_position: 1, serial_number: 'TWIN-1', management_ip: '10.77.0.99' },
    });
    expect(res.status, res.text).toBe(201);
    await insertDevice(
      `INSERT INTO network_devices (name, rack_id, u_position, management_ip) VALUES ('tel-oob', ?, 39, '10.77.0.99')`,
      rack.id,
    );
    forgetDevices();
    await ingestJson(ingest, [{ server: '10.77.0.99', metric: 'cpu_pct', value: 7, ts: Date.now() }]);
    const [row] = await latest(rack.id, 'cpu_pct');
    expect(row).toMatchObject({ server_id: res.body.id, labels: {} });
  });
});
