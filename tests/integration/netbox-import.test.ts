import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, asRole, expectProblem } from '../helpers';
import { countRows as count, netboxDemo as demo, postNetbox as post } from '../helpers/netbox';

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

describe('NetBox import of the demo data', () => {
  it('maps what maps, reports the rest by type and count, and a re-import creates nothing', async () => {
    const before = { dc: await count('datacenters'), servers: await count('servers') };
    const dry = await post(demo(), admin, true);
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.status).toBe('dry_run');
    // a dry run writes nothing but its run record
    expect(await count('datacenters')).toBe(before.dc);
    expect(await count('import_links')).toBe(0);
    expect(await count('import_runs', `id = ${dry.body.run_id} AND dry_run = 1`)).toBe(1);

    const res = await post(demo(), admin);
    expect(res.status, res.text).toBe(200);
    const { summary, unmapped } = res.body.report;
    // what the dry run announced is what the import did
    expect(summary).toEqual(dry.body.report.summary);
    // 24 sites, 42 racks, 48 feeds, 14 device types in the files: all map
    expect(summary.datacenters.created).toBe(24);
    expect(summary.racks.created).toBe(42);
    expect(summary.power_feeds.created).toBe(48);
    expect(summary.device_types.created).toBe(14);
    // 72 devices: 13 PDUs; 19 patch panels (two "PP:MDF" in different sites: the second keeps its NetBox id in its
    // name) + 13 routers + 13 access + 8 ToR + 3 distribution = 56 network devices, of which the two 16 U core
    // switches do not fit our 10 U limit; 1 application server
    expect(summary.pdus.created).toBe(13);
    expect(summary.network_devices.created).toBe(19 + 37);
    expect(summary.network_devices.skipped).toBe(2);
    expect(summary.servers.created).toBe(1);
    const by = (type: string) =>
      unmapped.filter((u: any) => u.type === type).reduce((n: number, u: any) => n + u.count, 0);
    expect(by('devices')).toBe(2);
    // 180 VMs only in cloud clusters (no device): none has a host here; 32 cloud clusters
    expect(by('virtual-machines')).toBe(180);
    expect(by('clusters')).toBe(32);
    // 108 cables: 26 interface-to-interface ones between imported switches/routers map, the rest are reported
    expect(summary.network_cables.created + by('cables')).toBe(108);
    expect(summary.network_cables.created).toBeGreaterThan(0);
    expect(summary.network_ports.created + by('interfaces')).toBe(1586);

    // the database holds what the report says
    expect(await count('datacenters')).toBe(before.dc + 24);
    expect(await count('network_cables')).toBe(summary.network_cables.created);
    expect(await count('import_links', "object_type = 'dcim.device'")).toBe(13 + 56 + 1);
    expect(await count('servers')).toBe(before.servers + 1);
    // a server without a NetBox serial gets the documented placeholder
    expect(await count('servers', "serial_number LIKE 'NETBOX-%'")).toBe(1);
    // new racks get the default zone
    expect(await count('racks', "security_zone = 'Internal'")).toBeGreaterThanOrEqual(42);
    // one summary audit entry
    expect(await count('audit_log', "action = 'import' AND entity_type = 'import_run'")).toBe(1);

    // again: everything matched by its NetBox id, nothing new
    const again = await post(demo(), admin);
    expect(again.status, again.text).toBe(200);
    for (const [kind, c] of Object.entries(again.body.report.summary) as [string, any][]) {
      expect(c.created, kind).toBe(0);
      expect(c.updated, kind).toBe(0);
    }
    expect(await count('datacenters')).toBe(before.dc + 24);

    // a renamed site and a changed feed update the rows the first import made
    const changed = demo();
    changed.sites[0].name = 'Renamed in NetBox';
    changed['power-feeds'][0].amperage = 32;
    const upd = await post(changed, admin);
    expect(upd.status, upd.text).toBe(200);
    expect(upd.body.report.summary.datacenters).toMatchObject({ created: 0, updated: 1 });
    expect(upd.body.report.summary.power_feeds).toMatchObject({ created: 0, updated: 1 });
    expect(await count('datacenters', "name = 'Renamed in NetBox'")).toBe(1);
    expect(await count('datacenters')).toBe(before.dc + 24);

    const runs = await api('/api/imports/runs', { token: admin });
    expect(runs.status).toBe(200);
    expect(runs.body.length).toBeGreaterThanOrEqual(4);
    const one = await api(`/api/imports/runs/${res.body.run_id}`, { token: admin });
    expect(one.body).toMatchObject({ status: 'applied', dry_run: false, source: 'netbox' });
  });
});

describe('NetBox import: refusals', () => {
  it('a body that is no NetBox export is a 422 naming the bad places', async () => {
    expectProblem(await post('nope', admin), 422);
    const bad = await post({ sites: [{ id: 'x', name: 'A' }], racks: 3 }, admin);
    expectProblem(bad, 422, ['sites[0].id', 'racks']);
    expectProblem(await post([{ model: 'dcim.site' }], admin), 422, ['[0]']);
    expectProblem(await post({}, admin), 422);
    // every error names its place, an empty key too (the fuzzer's find)
    expectProblem(await post({ '': 3 }, admin), 422, ['(empty key)']);
  });

  it('viewers and auditors may not import; they may read the runs', async () => {
    for (const role of ['viewer', 'auditor'] as const) {
      const token = await asRole(role, admin);
      expectProblem(await post({ sites: [] }, token), 403);
      expect((await api('/api/imports/runs', { token })).status).toBe(200);
    }
  });

  it('two devices on the same U: the second is reported and skipped, not a 500', async () => {
    const site = { id: 9001, name: 'Overlap site', slug: 'overlap', status: { value: 'active' } };
    const rack = { id: 9001, name: 'R1', site: { id: 9001 }, u_height: 42, status: { value: 'active' } };
    const type = { id: 9001, manufacturer: { name: 'Dell' }, model: 'R650-overlap', slug: 'r650-overlap', u_height: 2 };
    const dev = (id: number, name: string, position: number) => ({
      id,
      name,
      device_type: { id: 9001 },
      role: { slug: 'server', name: 'Server' },
      site: { id: 9001 },
      rack: { id: 9001 },
      position,
      status: { value: 'active' },
      serial: `SN-${id}`,
    });
    const res = await post(
      { sites: [site], racks: [rack], 'device-types': [type], devices: [dev(9001, 'ov-a', 10), dev(9002, 'ov-b', 11)] },
      admin,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.report.summary.servers, JSON.stringify(res.body.report)).toMatchObject({ created: 1, skipped: 1 });
    expect(res.body.report.issues[0]).toMatchObject({ netbox_id: 9002, name: 'ov-b' });
    expect(res.body.report.issues[0].reason).toMatch(/overlaps/);
  });
});
