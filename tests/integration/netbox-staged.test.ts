// A NetBox export too large for one request is imported in stages: sites, racks, types and feeds first; then
// devices (with their power cables); then interfaces and the cables between them; then VMs. Each stage finds the
// objects of earlier ones through their import links, and the result is the same as one whole import: a dry run
// of the whole export afterwards creates and changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken } from '../helpers';
import { countRows as count, netboxDemo, postNetbox as post } from '../helpers/netbox';

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

const pick = (...keys: string[]) => {
  const all = netboxDemo() as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, all[k]]));
};

describe('NetBox import in stages', () => {
  it('devices find racks and types of an earlier run, cables find ports by device and name', async () => {
    const first = await post(
      pick('sites', 'racks', 'manufacturers', 'device-types', 'device-roles', 'power-panels', 'power-feeds'),
      admin,
    );
    expect(first.status, first.text).toBe(200);
    expect(first.body.report.summary.racks.created).toBe(42);

    const second = await post(pick('devices', 'cables'), admin);
    expect(second.status, second.text).toBe(200);
    const s2 = second.body.report.summary;
    // as in one whole import: 13 PDUs, 56 network devices (2 core switches too tall), 1 server
    expect(s2.pdus.created).toBe(13);
    expect(s2.network_devices.created).toBe(56);
    expect(s2.servers.created).toBe(1);
    expect(second.body.report.issues.map((i: { reason: string }) => i.reason)).not.toContain(
      'its rack was not imported',
    );
    // the racks and types are the earlier run's, not new ones
    expect(s2.racks).toBeUndefined();
    expect(await count('racks')).toBeGreaterThanOrEqual(42);
    expect(await count('network_devices', 'device_type_id IS NULL')).toBe(0);
    // a device's half depth came from its type, kept by the first run
    expect(await count('network_devices', 'is_full_depth = 0')).toBeGreaterThan(0);
    expect(s2.network_cables?.created ?? 0).toBe(0);

    const third = await post(pick('interfaces', 'cables'), admin);
    expect(third.status, third.text).toBe(200);
    const s3 = third.body.report.summary;
    expect(s3.network_ports.created).toBeGreaterThan(0);
    expect(s3.network_cables.created).toBeGreaterThan(0);
    expect(await count('network_cables')).toBe(s3.network_cables.created);

    const fourth = await post(pick('clusters', 'virtual-machines'), admin);
    expect(fourth.status, fourth.text).toBe(200);

    // the whole export now matches what the stages made, row for row
    const whole = await post(netboxDemo(), admin, true);
    expect(whole.status, whole.text).toBe(200);
    for (const [kind, c] of Object.entries(whole.body.report.summary) as [string, any][]) {
      expect(c.created, kind).toBe(0);
      expect(c.updated, kind).toBe(0);
    }
  });
});
