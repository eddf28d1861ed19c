// Storage systems' disk risk through the API: smartctl_exporter's attributes for an array's disks, sent naming the
// array (by serial, by name), land on its rack; each member is scored by the trained disk model and the array is
// judged against what its RAID layout tolerates. An array that sent nothing says so.
import { beforeAll, describe, expect, it } from 'vitest';
import { forgetDevices } from '../../worker/telemetry/resolve';
import {
  adminToken,
  api,
  apiToken,
  asRole,
  eventually,
  expectProblem,
  ingestJson,
  createDatacenter,
  createRack,
  uniqueName,
  type Row,
} from '../helpers';

let viewer: string;
let dcId: number;
let rack: Row;
const systems: Record<'six' | 'one' | 'quiet' | 'free', Row> = {} as never;

const storage = async (admin: string, body: Row) => {
  const res = await api('/api/storage', {
    token: admin,
    json: { datacenter_id: dcId, disk_count: 12, raw_capacity_tb: 96, ...body, name: uniqueName(body.name) },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as Row;
};

beforeAll(async () => {
  const admin = await adminToken();
  viewer = await asRole('viewer', admin);
  const ingest = await apiToken(admin, ['ingest']);
  dcId = (await createDatacenter(admin)).id;
  rack = await createRack(admin, { datacenter_id: dcId });
  systems.six = await storage(admin, {
    name: 'sdr-six',
    rack_id: rack.id,
    u_position: 1,
    raid_level: '6',
    serial_number: uniqueName('SN'),
  });
  systems.one = await storage(admin, { name: 'sdr-one', rack_id: rack.id, u_position: 5, raid_level: '6' });
  systems.quiet = await storage(admin, { name: 'sdr-quiet', rack_id: rack.id, u_position: 9, raid_level: '10' });
  // an object store outside any rack: its telemetry has nowhere to land
  systems.free = await storage(admin, { name: 'sdr-free', raid_level: '5' });
  forgetDevices();

  const now = Date.now();
  // smartctl_exporter's series as it scrapes an array's disks: one per attribute and value type
  const attr = (array: string, disk: string, id: number, raw: number, normalised = 100) =>
    (['raw', 'value'] as const).map((type) => ({
      server: array,
      metric: 'smartctl_device_attribute',
      labels: { device: disk, attribute_id: String(id), attribute_value_type: type },
      value: type === 'raw' ? raw : normalised,
      ts: now,
    }));
  const disk = (array: string, name: string, counts: Partial<Record<number, number>>) =>
    [5, 187, 188, 197, 198].flatMap((id) => attr(array, name, id, counts[id] ?? 0));
  const sent = await ingestJson(ingest, [
    // RAID 6 with two disks at risk: reallocated sectors on one, uncorrectable errors on another
    ...disk(systems.six.serial_number, 'sda', { 5: 24 }),
    ...disk(systems.six.serial_number, 'sdb', { 187: 3 }),
    ...disk(systems.six.serial_number, 'sdc', {}),
    ...disk(systems.six.serial_number, 'sdd', { 188: 1 }),
    // RAID 6 with one disk at risk
    ...disk(systems.one.name, 'sda', { 5: 24 }),
    ...disk(systems.one.name, 'sdb', {}),
  ]);
  expect(sent.status, sent.text).toBe(200);
  expect(sent.body).toMatchObject({ unmatched: 0 });
  await eventually(async () => {
    const res = await api(`/api/storage/${systems.one.id}/disk-risk`, { token: viewer });
    return res.body?.disks_reporting === 2;
  });
});

describe('GET /api/storage/{id}/disk-risk', () => {
  it('scores each member disk and weighs the ones at risk against the RAID layout', async () => {
    const res = await api(`/api/storage/${systems.six.id}/disk-risk`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    const r = res.body;
    expect(r).toMatchObject({
      storage_id: systems.six.id,
      rack_id: rack.id,
      level: 'high',
      at_risk: 2,
      disks_reporting: 4,
      disk_count: 12,
      fault_tolerance_disks: 2,
      coverage: 'SMART of 4 of 12 disks',
    });
    expect(r.disks.map((d: Row) => [d.device, d.at_risk])).toEqual([
      ['sdb', true],
      ['sda', true],
      ['sdd', false],
      ['sdc', false],
    ]);
    expect(r.worst_risk).toBe(r.disks[0].risk);
    expect(r.evidence[0]).toMatch(/^disk sdb at risk .*reported uncorrectable errors \(187\) raw 3/);
    expect(r.evidence[1]).toMatch(/^disk sda at risk .*reallocated sectors \(5\) raw 24/);
    expect(r.evidence[2]).toBe(
      'RAID 6 tolerates 2 failed disks: the 2 disks at risk failing would leave no redundancy',
    );
    // a counter that moved without reaching the threshold is shown, and counts for "low" only
    expect(r.evidence[3]).toMatch(/^disk sdd below the threshold .*command timeouts \(188\) raw 1/);
  });

  it('is medium with fewer members at risk than the layout tolerates', async () => {
    const r = (await api(`/api/storage/${systems.one.id}/disk-risk`, { token: viewer })).body;
    expect(r).toMatchObject({ level: 'medium', at_risk: 1, disks_reporting: 2 });
    expect(r.evidence).toContain('RAID 6 tolerates 2 failed disks; 1 disk at risk');
  });

  it('says when no SMART data was received rather than reading healthy', async () => {
    for (const s of [systems.quiet, systems.free]) {
      const r = (await api(`/api/storage/${s.id}/disk-risk`, { token: viewer })).body;
      expect(r).toMatchObject({
        level: 'none',
        at_risk: 0,
        worst_risk: null,
        disks_reporting: 0,
        coverage: 'no SMART data received',
        evidence: [],
        disks: [],
      });
    }
  });

  it('is a 404 for a storage system that does not exist', async () => {
    expectProblem(await api('/api/storage/99999999/disk-risk', { token: viewer }), 404);
  });
});

describe('GET /api/analytics/storage-disk-risk', () => {
  it('lists every storage system of a datacenter, highest level first, and filters by level', async () => {
    const res = await api(`/api/analytics/storage-disk-risk?datacenter_id=${dcId}`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('4');
    expect(res.body.slice(0, 2).map((r: Row) => [r.storage_id, r.level])).toEqual([
      [systems.six.id, 'high'],
      [systems.one.id, 'medium'],
    ]);
    expect(res.body.slice(2).every((r: Row) => r.coverage === 'no SMART data received')).toBe(true);
    const medium = await api(`/api/analytics/storage-disk-risk?datacenter_id=${dcId}&level=medium`, { token: viewer });
    expect(medium.body.map((r: Row) => r.storage_id)).toEqual([systems.six.id, systems.one.id]);
    expectProblem(await api('/api/analytics/storage-disk-risk?level=severe', { token: viewer }), 422, ['query.level']);
  });
});
