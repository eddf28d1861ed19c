import { and, eq, not, sql } from 'drizzle-orm';
import { anyOf } from '../platform/http/sql-match';
import type { ServiceContext } from '../platform/context';
import { visibleWhere } from '../platform/access/entities';
import { racks, servers } from '../dcim/tables';
import { serverEntity } from '../dcim/access';
import { hostOvercommit, vms } from './tables';
import { notFound, conflict } from '../platform/http/problem';
import { requireStepUpForZones } from '../platform/identity/step-up';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { runBatch } from '../platform/db/client';
import { DEFAULT_RATIOS, capacityOf, type HostFacts, type Ratios, type ResourceCapacity } from './capacity';

export interface Host extends HostFacts {
  rack_id: number;
  datacenter_id: number;
  zone: string;
  ratios: Ratios;
  custom_ratios: boolean;
  resources: ResourceCapacity[];
  vm_count: number;
  /** the hypervisors of the VMs it carries (a host runs one; VMs do not live-migrate across them) */
  hypervisors: string[];
}

/**
 * Hosts with what is promised on them: the VMs they carry (all of them, running or not: a stopped VM keeps its
 * reservation, or starting it could fail) minus `excludeVmIds` (VMs being resized or moved, counted anew by the
 * caller). Only hosts the caller may see; `where` narrows further (a datacenter).
 */
export async function loadHosts(
  ctx: ServiceContext,
  opts: { ids?: number[]; datacenterId?: number; excludeVmIds?: number[] },
): Promise<Host[]> {
  const conds = [visibleWhere(ctx, serverEntity)];
  if (opts.ids) conds.push(opts.ids.length ? anyOf(servers.id, opts.ids) : sql`0`);
  if (opts.datacenterId !== undefined) conds.push(eq(racks.datacenter_id, opts.datacenterId));
  const rows = await ctx.db
    .select({
      id: servers.id,
      name: servers.name,
      status: servers.status,
      cpu_cores: servers.cpu_cores,
      ram_gb: servers.ram_gb,
      storage_tb: servers.storage_tb,
      rack_id: servers.rack_id,
      datacenter_id: racks.datacenter_id,
      zone: racks.security_zone,
      cpu_ratio: hostOvercommit.cpu_ratio,
      ram_ratio: hostOvercommit.ram_ratio,
      disk_ratio: hostOvercommit.disk_ratio,
    })
    .from(servers)
    .innerJoin(racks, eq(racks.id, servers.rack_id))
    .leftJoin(hostOvercommit, eq(hostOvercommit.server_id, servers.id))
    .where(and(...conds))
    .orderBy(servers.name)
    .all();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const exclude = opts.excludeVmIds?.length ? not(anyOf(vms.id, opts.excludeVmIds)) : undefined;
  const sums = await ctx.db
    .select({
      host: vms.host_server_id,
      cpu: sql<number>`coalesce(sum(${vms.cpu_cores}), 0)`,
      ram: sql<number>`coalesce(sum(${vms.ram_gb}), 0)`,
      disk: sql<number>`coalesce(sum(${vms.disk_gb}), 0)`,
      n: sql<number>`count(*)`,
      hypervisors: sql<string>`json_group_array(DISTINCT ${vms.hypervisor})`,
    })
    .from(vms)
    .where(and(anyOf(vms.host_server_id, ids), exclude))
    .groupBy(vms.host_server_id)
    .all();
  const byHost = new Map(sums.map((s) => [s.host, s]));
  return rows.map((r) => {
    const custom = r.cpu_ratio !== null;
    const ratios: Ratios = custom ? { cpu: r.cpu_ratio!, ram: r.ram_ratio!, disk: r.disk_ratio! } : DEFAULT_RATIOS;
    const s = byHost.get(r.id);
    const host: HostFacts = r;
    return {
      ...host,
      rack_id: r.rack_id,
      datacenter_id: r.datacenter_id,
      zone: r.zone,
      ratios,
      custom_ratios: custom,
      resources: capacityOf(host, ratios, { cpu: s?.cpu ?? 0, ram: s?.ram ?? 0, disk: s?.disk ?? 0 }),
      vm_count: s?.n ?? 0,
      hypervisors: s ? (JSON.parse(s.hypervisors) as string[]) : [],
    };
  });
}

/** VMs of these anti-affinity groups, except `excludeVmIds`. */
export async function groupMembers(ctx: ServiceContext, groups: string[], excludeVmIds: number[] = []) {
  if (!groups.length) return [];
  return ctx.db
    .select({
      id: vms.id,
      name: vms.name,
      host_server_id: vms.host_server_id,
      anti_affinity_group: vms.anti_affinity_group,
    })
    .from(vms)
    .where(
      and(anyOf(vms.anti_affinity_group, groups), excludeVmIds.length ? not(anyOf(vms.id, excludeVmIds)) : undefined),
    )
    .all();
}

/** GET /servers/{id}/capacity: what the host has, what is promised, what is free, per resource. */
export async function hostCapacity(ctx: ServiceContext, id: number) {
  const [h] = await loadHosts(ctx, { ids: [id] });
  if (!h) throw notFound('server', id);
  return {
    server_id: h.id,
    name: h.name,
    status: h.status,
    datacenter_id: h.datacenter_id,
    custom_ratios: h.custom_ratios,
    resources: h.resources,
    vm_count: h.vm_count,
  };
}

/** Set a host's overcommit ratios; refused when what is already promised would no longer fit. */
export async function setOvercommit(
  ctx: ServiceContext,
  id: number,
  ratios: { cpu_ratio: number; ram_ratio: number; disk_ratio: number },
) {
  const [h] = await loadHosts(ctx, { ids: [id] });
  if (!h) throw notFound('server', id);
  requireStepUpForZones(ctx, [h.zone]);
  const next = capacityOf(
    h,
    { cpu: ratios.cpu_ratio, ram: ratios.ram_ratio, disk: ratios.disk_ratio },
    {
      cpu: h.resources[0]!.allocated,
      ram: h.resources[1]!.allocated,
      disk: h.resources[2]!.allocated,
    },
  );
  const over = next.filter((r) => r.limited && r.free < -1e-9);
  if (over.length) {
    throw conflict(
      `Host ${h.name} already promises more than these ratios allow: ${over.map((r) => `${r.resource} ${r.allocated} ${r.unit} allocated, ${r.capacity} allowed`).join('; ')}.`,
      over.map((r) => ({
        field: `${r.resource}_ratio`,
        message: `${r.allocated} ${r.unit} allocated; at this ratio only ${r.capacity} ${r.unit}`,
      })),
    );
  }
  await runBatch(ctx.db, [
    ctx.db
      .insert(hostOvercommit)
      .values({ server_id: id, ...ratios })
      .onConflictDoUpdate({
        target: hostOvercommit.server_id,
        set: { ...ratios, updated_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` },
      }),
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'host_overcommit_set',
        entityType: 'server',
        entityId: id,
        entityName: h.name,
        // rack_id places the entry in the host's zone for the audit trail's clearance filter
        details: {
          rack_id: h.rack_id,
          before: h.ratios,
          after: { cpu: ratios.cpu_ratio, ram: ratios.ram_ratio, disk: ratios.disk_ratio },
        },
      }),
    ),
  ]);
  return hostCapacity(ctx, id);
}
