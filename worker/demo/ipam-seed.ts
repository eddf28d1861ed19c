import type { ServiceContext } from '../platform/context';
import { createRows, type ResourceDef, type Row } from '../platform/http/resource';
import { ipAddressesResource } from '../ipam/ip-addresses';
import { prefixesResource } from '../ipam/prefixes';
import { vlansResource } from '../ipam/vlans';
import type { PlannedRack, PlannedServer } from './estate';

const CHUNK = 200;

/** Per site: a server VLAN and a management VLAN, as the estate's two address plans are laid out. */
const PLANS = [
  { vid: 100, vlan: 'servers', role: 'servers', field: 'ip_address', octet: (dc: number) => dc * 16 },
  { vid: 200, vlan: 'management', role: 'management', field: 'management_ip', octet: (dc: number) => 128 + dc * 16 },
] as const;

const slash24 = (ip: string) => `${ip.split('.').slice(0, 3).join('.')}.0/24`;
const dnsLabel = (name: string) => name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');

/**
 * The demo's addressing, read from the servers' own addresses: per site its two VLANs and two /12 plans, a /24
 * per rack and plan, and each server's data and BMC address assigned to it, so the IP addresses pages open on
 * a site that looks like one.
 */
export function demoIpam(planned: { racks: PlannedRack[]; servers: PlannedServer[] }, siteCount: number) {
  const vlans = Array.from({ length: siteCount }, (_, dc) =>
    PLANS.map((p) => ({ dc, vid: p.vid, name: p.vlan, description: `${p.vlan} network` })),
  ).flat();
  const containers = Array.from({ length: siteCount }, (_, dc) =>
    PLANS.map((p) => ({
      dc,
      plan: p.vid,
      prefix: `10.${p.octet(dc)}.0.0/12`,
      status: 'container',
      role: p.role,
      description: `${p.vlan} plan`,
    })),
  ).flat();
  const racks = new Map<
    string,
    { dc: number; plan: number; prefix: string; status: string; role: string; description: string }
  >();
  const addresses: { server: number; address: string; dns_name: string; description: string }[] = [];
  planned.servers.forEach((s, i) => {
    const dc = planned.racks[s.rack]!.dc;
    for (const p of PLANS) {
      const ip = s[p.field];
      const prefix = slash24(ip);
      if (!racks.has(prefix)) {
        racks.set(prefix, {
          dc,
          plan: p.vid,
          prefix,
          status: 'active',
          role: p.role,
          description: `${planned.racks[s.rack]!.name} ${p.vlan}`,
        });
      }
      addresses.push({
        server: i,
        address: `${ip}/24`,
        dns_name: p.vid === 100 ? dnsLabel(s.name) : `${dnsLabel(s.name)}-bmc`,
        description: p.vid === 100 ? 'primary' : 'BMC',
      });
    }
  });
  return { vlans, prefixes: [...containers, ...racks.values()], addresses };
}

async function inChunks(ctx: ServiceContext, def: ResourceDef, rows: Row[]): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(...(await createRows(ctx, def, rows.slice(i, i + CHUNK))));
  return out;
}

export async function seedIpam(
  ctx: ServiceContext,
  planned: { racks: PlannedRack[]; servers: PlannedServer[] },
  ids: { dcs: Row[]; servers: Row[] },
) {
  const p = demoIpam(planned, ids.dcs.length);
  const vlans = await inChunks(
    ctx,
    vlansResource,
    p.vlans.map(({ dc, ...v }) => ({ ...v, datacenter_id: ids.dcs[dc]!.id, status: 'active' })),
  );
  const vlanOf = (dc: number, vid: number) => vlans[p.vlans.findIndex((v) => v.dc === dc && v.vid === vid)]!.id;
  const prefixes = await inChunks(
    ctx,
    prefixesResource,
    p.prefixes.map(({ dc, plan, ...x }) => ({ ...x, datacenter_id: ids.dcs[dc]!.id, vlan_id: vlanOf(dc, plan) })),
  );
  const addresses = await inChunks(
    ctx,
    ipAddressesResource,
    p.addresses.map(({ server, ...a }) => ({
      ...a,
      status: 'active',
      assigned_kind: 'server',
      assigned_id: ids.servers[server]!.id,
    })),
  );
  return { vlans: vlans.length, prefixes: prefixes.length, ip_addresses: addresses.length };
}
