import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { unprocessable } from '../platform/http/problem';
import { highestZone, zoneLowers } from '../platform/access/zones';
import { auditInsertedRow, toStatement } from '../platform/audit/trail';
import { runBatch } from '../platform/db/client';
import { getRow } from '../platform/http/resource';
import { requireStepUpForZones } from '../platform/identity/step-up';
import { loadHosts, type Host } from '../virtualization/hosts';
import { hostStatusProblem } from '../virtualization/capacity';
import { placeVms } from './packing';
import { placementInput, planRecord, type PlanHostRow, type PlanVmRow } from './model';
import { placementPlans } from './tables';
import { PLAN_AUDIT, plansResource } from './plans';

const HOUR = 3_600_000;
/** a maintenance window starting within this horizon already asks for its hosts to be emptied */
const WINDOW_HORIZON_MS = 24 * HOUR;
/** states a VM migrates from (virtualization/operations.ts requestMigration) */
const MIGRATABLE = new Set(['running', 'stopped']);

const ids = (xs: number[]) => JSON.stringify(xs);

/** Why each host must be emptied: its own status, or an approved maintenance window on it or its rack. */
async function maintenanceReasons(ctx: ServiceContext, hosts: Host[], now: number) {
  const reasons = new Map<number, string>();
  for (const h of hosts) if (h.status === 'maintenance') reasons.set(h.id, `${h.name} is in maintenance`);
  const windows = await ctx.db.all<{ title: string; target_type: string; target_id: number; starts_at: string }>(
    sql`SELECT title, target_type, target_id, starts_at FROM maintenance_windows
         WHERE approval = 'approved' AND target_type IN ('server', 'rack')
           AND ends_at > ${new Date(now).toISOString()} AND starts_at <= ${new Date(now + WINDOW_HORIZON_MS).toISOString()}`,
  );
  for (const h of hosts) {
    if (reasons.has(h.id)) continue;
    const w = windows.find(
      (x) =>
        (x.target_type === 'server' && x.target_id === h.id) || (x.target_type === 'rack' && x.target_id === h.rack_id),
    );
    if (w) reasons.set(h.id, `maintenance window "${w.title}" from ${w.starts_at}`);
  }
  return reasons;
}

/** The VM hosts of a datacenter the caller can see, their VMs, and what may not move, as the model wants them. */
export async function loadEstate(ctx: ServiceContext, datacenterId: number, now: number) {
  // the hypervisors: hosts that carry VMs, were given overcommit ratios or have had VMs migrate on or off them
  // (an application server is none of these); offline and decommissioned hosts neither take nor give VMs
  // (their guests cannot live-migrate)
  // a host a VM has ever migrated off or onto stays one when a plan has emptied it (it is there to be used again)
  const former = new Set(
    (
      await ctx.db.all<{ id: number }>(
        sql`SELECT DISTINCT CAST(json_extract(params, '$.from_host_id') AS INTEGER) AS id FROM vm_operations
             WHERE kind = 'vm.migrate' AND datacenter_id = ${datacenterId}
            UNION SELECT DISTINCT CAST(json_extract(params, '$.target_host_id') AS INTEGER) FROM vm_operations
             WHERE kind = 'vm.migrate' AND datacenter_id = ${datacenterId}`,
      )
    ).map((r) => r.id),
  );
  const hosts = (await loadHosts(ctx, { datacenterId })).filter(
    (h) =>
      (h.vm_count > 0 || h.custom_ratios || former.has(h.id)) && (h.status === 'active' || h.status === 'maintenance'),
  );
  const hostIds = hosts.map((h) => h.id);
  const [vmRows, busy, power, reasons] = await Promise.all([
    ctx.db.all<{
      id: number;
      name: string;
      host_server_id: number;
      cpu_cores: number;
      ram_gb: number;
      disk_gb: number;
      hypervisor: string;
      anti_affinity_group: string | null;
      status: string;
    }>(
      sql`SELECT id, name, host_server_id, cpu_cores, ram_gb, disk_gb, hypervisor, anti_affinity_group, status FROM vms
           WHERE host_server_id IN (SELECT value FROM json_each(${ids(hostIds)})) ORDER BY id`,
    ),
    ctx.db.all<{ vm_id: number }>(
      sql`SELECT DISTINCT o.vm_id FROM vm_operations o JOIN vms v ON v.id = o.vm_id
           WHERE o.status IN ('queued', 'running') AND v.host_server_id IN (SELECT value FROM json_each(${ids(hostIds)}))`,
    ),
    ctx.db.all<{ id: number; power_supply_w: number }>(
      sql`SELECT id, power_supply_w FROM servers WHERE id IN (SELECT value FROM json_each(${ids(hostIds)}))`,
    ),
    maintenanceReasons(ctx, hosts, now),
  ]);
  const busyIds = new Set(busy.map((b) => b.vm_id));
  const powerOf = new Map(power.map((p) => [p.id, p.power_supply_w]));
  const planHosts: PlanHostRow[] = hosts.map((h) => ({
    id: h.id,
    name: h.name,
    cpu_cores: h.cpu_cores,
    ram_gb: h.ram_gb,
    storage_tb: h.storage_tb,
    ratios: h.ratios,
    power_w: powerOf.get(h.id) ?? 0,
    maintenance_reason: reasons.get(h.id) ?? null,
  }));
  const vms: (PlanVmRow & { hypervisor: string })[] = vmRows.map((v) => ({
    ...v,
    movable: MIGRATABLE.has(v.status) && !busyIds.has(v.id),
  }));
  return { hosts, planHosts, vms };
}

/**
 * Where a VM may live-migrate, by the rules virtualization applies to one migration: the host runs normally,
 * runs its hypervisor (or none yet), is in no lower zone than its own host, and carries no VM of its
 * anti-affinity group that the plan cannot move. Capacity is the solver's job.
 */
function migrationRule(hosts: Host[], vms: (PlanVmRow & { hypervisor: string })[]) {
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const fixedGroups = new Map<number, Set<string>>();
  for (const v of vms) {
    if (v.movable || !v.anti_affinity_group) continue;
    const s = fixedGroups.get(v.host_server_id) ?? new Set<string>();
    s.add(v.anti_affinity_group);
    fixedGroups.set(v.host_server_id, s);
  }
  const hypervisorOf = new Map(vms.map((v) => [v.id, v.hypervisor]));
  return (vm: PlanVmRow, target: PlanHostRow) => {
    const to = byId.get(target.id);
    const from = byId.get(vm.host_server_id);
    if (!to || !from) return false;
    if (hostStatusProblem(to)) return false;
    const hv = hypervisorOf.get(vm.id);
    if (to.hypervisors.length && hv && !to.hypervisors.includes(hv)) return false;
    if (zoneLowers(from.zone, to.zone)) return false;
    return !(vm.anti_affinity_group && fixedGroups.get(to.id)?.has(vm.anti_affinity_group));
  };
}

/**
 * The plan the solver would propose for a datacenter's VM hosts, kept nowhere (cost recommendations ask what
 * packing would free); null when the caller sees no VM host there.
 */
export async function previewPlan(
  ctx: ServiceContext,
  datacenterId: number,
  opts: { goal: 'pack' | 'spread'; headroom_pct: number },
  now = Date.now(),
) {
  const { hosts, planHosts, vms } = await loadEstate(ctx, datacenterId, now);
  if (!hosts.length) return null;
  const input = placementInput(planHosts, vms, { ...opts, canMoveTo: migrationRule(hosts, vms) });
  return { hosts, planHosts, record: planRecord(placeVms(input), planHosts, vms) };
}

/** Work out a plan for a datacenter's VM hosts and keep it as proposed: nothing moves until it is approved. */
export async function proposePlan(
  ctx: ServiceContext,
  body: { datacenter_id: number; goal: 'pack' | 'spread'; headroom_pct?: number },
  now = Date.now(),
) {
  const dc = await ctx.db.get<{ id: number; name: string }>(
    sql`SELECT id, name FROM datacenters WHERE id = ${body.datacenter_id}`,
  );
  if (!dc)
    throw unprocessable([{ field: 'datacenter_id', message: `datacenter ${body.datacenter_id} does not exist` }]);
  const headroom = body.headroom_pct ?? 10;
  const preview = await previewPlan(ctx, dc.id, { goal: body.goal, headroom_pct: headroom }, now);
  if (!preview) {
    throw unprocessable([
      { field: 'datacenter_id', message: `${dc.name} has no VM hosts you can see (servers carrying VMs)` },
    ]);
  }
  const { hosts, record } = preview;
  // the plan shows every host's load and VMs: a zone whose single reads ask for a step-up asks for it here
  requireStepUpForZones(
    ctx,
    hosts.map((h) => h.zone),
  );
  const row = {
    datacenter_id: dc.id,
    goal: body.goal,
    headroom_pct: headroom,
    status: 'proposed',
    security_zone: highestZone(hosts.map((h) => h.zone)),
    ...record,
    requested_by: ctx.actor?.username ?? 'system',
  };
  // the plan and its audit entry in one batch: the entry carries the plan's zone, so the trail hides it as the plan
  const [inserted] = await runBatch(ctx.db, [
    ctx.db.insert(placementPlans).values(row).returning({ id: placementPlans.id }),
    toStatement(ctx, auditInsertedRow(ctx, PLAN_AUDIT)),
  ] as const);
  const id = (inserted as { id: number }[])[0]!.id;
  return getRow(ctx, plansResource, id, true);
}
