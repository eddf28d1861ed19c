import { beforeAll, describe, expect, it } from 'vitest';
import { placementConflicts } from '../../worker/dcim/placement';
import { demoEstate } from '../../worker/demo/estate';
import { adminToken, api, asRole, countRows, expectProblem, login, withStepUp, type Row } from '../helpers';

let admin: string;
let first: Row;

beforeAll(async () => {
  admin = await adminToken();
  const res = await api('/api/demo/seed', { token: admin, json: {} });
  expect(res.status, res.text).toBe(200);
  first = res.body;
}, 60_000);

describe('POST /api/demo/seed', () => {
  it('creates 3 datacenters, 40 racks and about 400 servers, plus demo users', async () => {
    expect(first).toMatchObject({ seeded: true, datacenters: 3, racks: 40, users: 3 });
    expect(first.servers).toBeGreaterThanOrEqual(380);
    expect(first.servers).toBeLessThanOrEqual(420);
    expect(await countRows('datacenters')).toBe(3);
    expect(await countRows('racks')).toBe(40);
    expect(await countRows('servers')).toBe(first.servers);
    // written through the audited services: one create entry per row
    expect(await countRows('audit_log', "action = 'create' AND entity_type = 'server'")).toBe(first.servers);
    // the demo accounts sign in with their documented roles
    const token = await login('auditor', 'demo-password-2026');
    expect((await api('/api/users/me', { token })).body.role).toBe('auditor');
  });

  it("addresses each server in its site's plan: two VLANs, a /12 per plan, a /24 per rack, data and BMC addresses", async () => {
    expect(first).toMatchObject({ vlans: 6, ip_addresses: 2 * first.servers });
    const [server] = (await api('/api/servers?limit=1&sort=id', { token: admin })).body as Row[];
    const mine = (await api(`/api/ipam/ip-addresses?assigned_kind=server&assigned_id=${server!.id}`, { token: admin }))
      .body as Row[];
    expect(mine.map((a) => a.address.split('/')[0]).sort()).toEqual([server!.ip_address, server!.management_ip].sort());
    // the rack's /24 counts its servers' addresses
    const rackNet = `${String(server!.ip_address).split('.').slice(0, 3).join('.')}.0/24`;
    const [prefix] = (await api(`/api/ipam/prefixes?q=${encodeURIComponent(rackNet)}`, { token: admin })).body as Row[];
    expect(prefix).toMatchObject({ prefix: rackNet, status: 'active' });
    expect(prefix!.utilisation_pct).toBeGreaterThan(0);
  });

  it("makes each server from its model's device type", async () => {
    expect(first.device_types).toBeGreaterThanOrEqual(5);
    const [server] = (await api('/api/servers?limit=1&sort=id', { token: admin })).body as Row[];
    const type = (await api(`/api/device-types/${server!.device_type_id}`, { token: admin })).body;
    expect(type).toMatchObject({ manufacturer: server!.manufacturer, model: server!.model, u_height: server!.u_size });
    expect(type.device_count).toBeGreaterThan(0);
  });

  it('puts VMs on the active hypervisor hosts, each host within its capacity', async () => {
    expect(first.vms).toBeGreaterThanOrEqual(20);
    expect(await countRows('vms')).toBe(first.vms);
    const vms: Row[] = (await api('/api/vms?limit=1000', { token: admin })).body;
    const hosts = [...new Set(vms.map((v) => v.host_server_id))];
    for (const id of hosts) {
      const cap = (await api(`/api/servers/${id}/capacity`, { token: admin })).body;
      for (const r of cap.resources) expect(r.free, `${cap.name} ${r.resource}`).toBeGreaterThanOrEqual(0);
    }
    // database VMs of a site are kept apart
    const groups = new Map<string, number[]>();
    for (const v of vms.filter((x) => x.anti_affinity_group)) {
      groups.set(v.anti_affinity_group, [...(groups.get(v.anti_affinity_group) ?? []), v.host_server_id]);
    }
    for (const [, on] of groups) expect(new Set(on).size).toBe(on.length);
    // a web pool per site: two running clones of a stopped template, on its host
    expect(first.scaling_groups).toBe(3);
    const pools: Row[] = (await api('/api/vm-scaling-groups', { token: admin })).body;
    expect(pools).toHaveLength(3);
    for (const p of pools) {
      expect(p).toMatchObject({ size: 2, min_size: 1, max_size: 4, enabled: true });
      const members = vms.filter((v) => v.scaling_group_id === p.id);
      expect(members.map((m) => m.status)).toEqual(['running', 'running']);
      expect(members.every((m) => m.cloned_from_vm_id === p.template_vm_id)).toBe(true);
      expect(vms.find((v) => v.id === p.template_vm_id)?.status).toBe('stopped');
    }
    // a datacenter of well over 100 hosts (D1 binds at most 100 variables a statement): every one is assessed
    const targets = await api(`/api/vms/${vms[0]!.id}/migration-targets`, { token: admin });
    expect(targets.status, targets.text).toBe(200);
    expect(targets.body.length).toBeGreaterThan(5);
    expect(targets.body.some((t: Row) => t.allowed)).toBe(true);
  });

  it('adds the power chain, a leaf-spine network and storage, through the same rules as the API', async () => {
    // per site: 2 feeds a row, 2 PDUs a rack; a ToR a rack plus two cores and a firewall; an array per storage rack
    expect(first).toMatchObject({ power_feeds: 18, pdus: 80, network_devices: 49, storage_systems: 8 });
    expect(first.cables).toBeGreaterThan(80);
    const feeds: Row[] = (await api('/api/power/feeds?q=NYC1-A-', { token: admin })).body;
    const a = feeds.find((f) => f.name === 'NYC1-A-A')!;
    const impact = (await api(`/api/power/impact?feed_id=${a.id}`, { token: admin })).body;
    // row A's edge racks hold single-corded servers (on their A PDU): they go dark; the rest fall back to B,
    // which was sized for the row's original load and is overloaded by it
    expect(impact.lost.length).toBeGreaterThan(0);
    expect(impact.degraded.length).toBeGreaterThan(impact.lost.length);
    const b = impact.feeds.find((f: Row) => f.name === 'NYC1-A-B');
    expect(b).toMatchObject({ overloaded: true });
    const arrays: Row[] = (await api('/api/storage?storage_type=SAN', { token: admin })).body;
    expect(arrays.every((x) => x.usable_capacity_tb > 0 && x.used_tb <= x.usable_capacity_tb)).toBe(true);
    expect(arrays.some((x) => x.replication_target)).toBe(true);
  });

  it('a second run changes nothing', async () => {
    const before = [await countRows('servers'), await countRows('racks'), await countRows('audit_log')];
    const res = await api('/api/demo/seed', { token: admin, json: {} });
    expect(res.status).toBe(200);
    expect(res.body.seeded).toBe(false);
    expect([await countRows('servers'), await countRows('racks'), await countRows('audit_log')]).toEqual(before);
  });

  it('is for admins only and validates its options', async () => {
    expectProblem(await api('/api/demo/seed', { token: await asRole('operator', admin), json: {} }), 403);
    expectProblem(await api('/api/demo/seed', { json: {} }), 401);
    expectProblem(await api('/api/demo/seed', { token: admin, json: { scale: 0 } }), 422, ['scale']);
  });

  it('the seeded estate obeys every placement rule (checked through elevations)', async () => {
    const racks: Row[] = (await api('/api/racks?limit=1000', { token: admin })).body;
    expect(racks).toHaveLength(40);
    const servers: Row[] = (await api('/api/servers?limit=1000', { token: admin })).body;
    expect(servers).toHaveLength(first.servers);
    // a few racks of each kind through the elevation endpoint, a Top Secret one included: the seed wrote it
    // as platform work, but reading its elevation asks the admin for a passkey step-up
    const topSecret = racks.find((r) => r.security_zone === 'Top Secret')!;
    expect(topSecret).toBeDefined();
    const refused = await api(`/api/racks/${topSecret.id}/elevation`, { token: admin });
    expect(expectProblem(refused, 403).type).toMatch(/\/step-up-required$/);
    await withStepUp(admin);
    const sample = [
      racks[0],
      racks[7],
      racks[19],
      racks[33],
      topSecret,
      ...racks.filter((r) => r.u_capacity === 48).slice(0, 2),
    ];
    for (const rack of sample) {
      const e = (await api(`/api/racks/${rack.id}/elevation`, { token: admin })).body;
      const mounted = servers.filter((s) => s.rack_id === rack.id);
      // its servers, and beside them a top-of-rack switch and the A and B PDUs (zero-U), maybe a core or array
      expect(e.devices.filter((d: Row) => d.kind === 'server')).toHaveLength(mounted.length);
      expect(e.devices.filter((d: Row) => d.kind === 'pdu' && d.u_position === null)).toHaveLength(2);
      expect(e.devices.some((d: Row) => d.kind === 'network' && d.device_type === 'access_switch')).toBe(true);
      // no U is claimed twice: the units owned equal the sum of the device heights
      const claimed = e.devices.reduce((s: number, d: Row) => s + (d.u_position === null ? 0 : d.u_size), 0);
      expect(e.used_u).toBe(claimed);
      for (const d of e.devices.filter((x: Row) => x.u_position !== null)) {
        expect(d.u_position + d.u_size - 1).toBeLessThanOrEqual(rack.u_capacity);
        expect(e.units.filter((u: Row) => u.device_id === d.id && u.kind === d.kind)).toHaveLength(d.u_size);
      }
      expect(e.power.allocated_w).toBeLessThanOrEqual(e.power.capacity_w);
    }
    // and every rack through the same rule the API applies
    for (const rack of racks) {
      const mounted = servers.filter((s) => s.rack_id === rack.id);
      const asCandidates = mounted.map((s) => ({
        name: s.name as string,
        u_position: s.u_position as number,
        u_size: s.u_size as number,
        power_supply_w: s.power_supply_w as number,
        status: s.status as string,
        prefix: `${s.name}:`,
      }));
      expect(placementConflicts(rack as never, [], asCandidates), rack.name).toEqual([]);
    }
    expect(new Set(servers.map((s) => s.serial_number)).size).toBe(servers.length);
  });
});

describe('demoEstate()', () => {
  it('is deterministic', () => {
    const a = demoEstate();
    const b = demoEstate();
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.datacenters).toHaveLength(3);
    expect(a.racks).toHaveLength(40);
    // another seed gives another estate
    expect(demoEstate(1).servers).not.toEqual(a.servers);
  });

  it('includes servers whose warranty has already ended, and in range values', () => {
    const { servers, racks } = demoEstate();
    const today = new Date().toISOString().slice(0, 10);
    const expired = servers.filter((s) => s.warranty_expires < today);
    expect(expired.length).toBeGreaterThan(0);
    expect(expired.length).toBeLessThan(servers.length);
    for (const s of servers) {
      expect(s.u_position).toBeGreaterThanOrEqual(1);
      expect(s.u_position + s.u_size - 1).toBeLessThanOrEqual(racks[s.rack].u_capacity);
      expect(s.purchase_date < s.warranty_expires).toBe(true);
    }
  });
});
