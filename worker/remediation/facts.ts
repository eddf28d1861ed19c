import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { rawZoneOf } from '../platform/access/entities';
import { serverEntity } from '../dcim/access';
import { vmScalingGroupEntity, workloadEntity } from '../virtualization/access';
import { COVERS } from '../alerting/maintenance';
import { migrationTargets } from '../virtualization/operations';
import {
  chooseCleanup,
  chooseGroupGrowth,
  chooseMigration,
  chooseScale,
  cleanupSummary,
  type CleanupProposal,
  type GroupProposal,
  type MigrationProposal,
  type RestartProposal,
  type ScaleProposal,
} from './proposal';
import type { GuardFacts } from './guards';

export interface PlaybookRow {
  id: number;
  name: string;
  action: 'vm.migrate' | 'vm_group.scale_out' | 'workload.scale' | 'host.service_restart' | 'host.disk_cleanup';
  mode: 'dry_run' | 'approval' | 'auto';
  approval_severity: string;
  auto_max_zone: string;
  max_per_hour: number;
  cooldown_min: number;
  verify_min: number;
  workload_id: number | null;
  scaling_group_id: number | null;
  scale_step: number;
  max_replicas: number | null;
  unit: string | null;
  journal_max_size_mb: number | null;
  journal_max_age_days: number | null;
  /** JSON text as the cron's raw select reads it; an array through drizzle */
  temp_dirs: string[] | string;
  temp_max_age_days: number;
  image_prune: 'off' | 'dangling' | 'unused';
}

export interface AlertFacts {
  id: number;
  severity: string;
  status: string;
  datacenter_id: number | null;
  rack_id: number | null;
  server_id: number | null;
}

export const ISO = (ms: number) => new Date(ms).toISOString();

export async function killSwitchOn(ctx: ServiceContext) {
  const row = await ctx.db.get<{ kill_switch: number } | undefined>(
    sql`SELECT kill_switch FROM remediation_settings WHERE id = 1`,
  );
  return Boolean(row?.kill_switch);
}

/** The approved maintenance window active now over the alert's server, rack or datacenter, described. */
export async function activeWindow(ctx: ServiceContext, a: AlertFacts) {
  const w = await ctx.db.get<{ id: number; title: string } | undefined>(
    sql.raw(`SELECT maintenance_windows.id, maintenance_windows.title
      FROM maintenance_windows, (SELECT ${a.server_id ?? 'NULL'} AS server_id, ${a.rack_id ?? 'NULL'} AS rack_id,
        ${a.datacenter_id ?? 'NULL'} AS datacenter_id) a
      WHERE maintenance_windows.approval = 'approved'
        AND maintenance_windows.starts_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        AND maintenance_windows.ends_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AND ${COVERS}
      ORDER BY maintenance_windows.id LIMIT 1`),
  );
  return w ? `maintenance window #${w.id} "${w.title}"` : null;
}

/**
 * The blast-radius and cooldown counts: what this playbook started (or in dry run would have) in the alert's
 * datacenter within the hour, and when it last acted on the same target (the alert's server for a migration, a
 * restart or a cleanup; a scaling playbook's one workload or group).
 */
export async function recentActions(ctx: ServiceContext, p: PlaybookRow, a: AlertFacts, now: number) {
  const hourAgo = ISO(now - 3_600_000);
  const r = await ctx.db.get<{ n: number; last: string | null }>(
    sql`SELECT
      (SELECT count(*) FROM remediation_runs WHERE playbook_id = ${p.id} AND started_at >= ${hourAgo}
         AND datacenter_id IS ${a.datacenter_id}) AS n,
      (SELECT max(started_at) FROM remediation_runs WHERE playbook_id = ${p.id} AND started_at IS NOT NULL
         AND (${p.action} IN ('workload.scale', 'vm_group.scale_out') OR server_id IS ${a.server_id})) AS last`,
  );
  return { startedLastHour: r?.n ?? 0, lastOnTargetAt: r?.last ? Date.parse(r.last) : null };
}

export async function guardFacts(
  ctx: ServiceContext,
  p: PlaybookRow,
  a: AlertFacts,
  zone: string,
  zoneAllowsAuto: boolean,
  now: number,
): Promise<GuardFacts> {
  return {
    mode: p.mode,
    severity: a.severity,
    approvalSeverity: p.approval_severity,
    zoneAllowsAuto,
    zone,
    killSwitch: await killSwitchOn(ctx),
    maintenance: await activeWindow(ctx, a),
    ...(await recentActions(ctx, p, a, now)),
    maxPerHour: p.max_per_hour,
    cooldownMin: p.cooldown_min,
    now,
  };
}

export type Proposal =
  | {
      ok: true;
      zone: string;
      target: string;
      proposal: MigrationProposal | ScaleProposal | GroupProposal | RestartProposal | CleanupProposal;
    }
  | { ok: false; zone: string; reason: string };

/** What the playbook would do about this alert, and the zone of what it touches. */
export async function propose(ctx: ServiceContext, p: PlaybookRow, a: AlertFacts): Promise<Proposal> {
  if (p.action === 'workload.scale') {
    const w = await ctx.db.get<{ id: number; name: string; replicas_desired: number; zone: string } | undefined>(
      sql.raw(
        `SELECT w.id, w.name, w.replicas_desired, ${rawZoneOf(workloadEntity, 'w')} AS zone FROM workloads w WHERE w.id = ${Number(p.workload_id)}`,
      ),
    );
    if (!w) return { ok: false, zone: 'Public', reason: `workload ${p.workload_id} no longer exists` };
    const s = chooseScale(w, p.scale_step, p.max_replicas);
    return s
      ? { ok: true, zone: w.zone, target: w.name, proposal: s }
      : { ok: false, zone: w.zone, reason: `${w.name} is already at its cap of ${p.max_replicas} replicas` };
  }
  if (p.action === 'vm_group.scale_out') {
    // members being removed no longer count; one being made does (the group's own cron counts the same way)
    const g = await ctx.db.get<{ id: number; name: string; max_size: number; size: number; zone: string } | undefined>(
      sql.raw(
        `SELECT g.id, g.name, g.max_size, ${rawZoneOf(vmScalingGroupEntity, 'g')} AS zone,
           (SELECT count(*) FROM vms v WHERE v.scaling_group_id = g.id AND v.id NOT IN (
              SELECT vm_id FROM vm_operations WHERE kind = 'vm.delete' AND status IN ('queued', 'running'))) AS size
         FROM vm_scaling_groups g WHERE g.id = ${Number(p.scaling_group_id)}`,
      ),
    );
    if (!g) return { ok: false, zone: 'Public', reason: `scaling group ${p.scaling_group_id} no longer exists` };
    const grow = chooseGroupGrowth(g);
    return grow
      ? { ok: true, zone: g.zone, target: `${g.name} (${g.size} → ${grow.to_size} members)`, proposal: grow }
      : {
          ok: false,
          zone: g.zone,
          reason: `${g.name} is already at its maximum of ${g.max_size} member${g.max_size === 1 ? '' : 's'}`,
        };
  }
  if (p.action === 'host.service_restart' || p.action === 'host.disk_cleanup') return proposeOnHost(ctx, p, a);
  if (a.server_id === null) return { ok: false, zone: 'Public', reason: 'the alert names no server to move VMs off' };
  const host = await ctx.db.get<{ id: number; name: string; zone: string } | undefined>(
    sql.raw(`SELECT s.id, s.name, ${rawZoneOf(serverEntity, 's')} AS zone FROM servers s WHERE s.id = ${a.server_id}`),
  );
  if (!host) return { ok: false, zone: 'Public', reason: `server ${a.server_id} no longer exists` };
  // the biggest first, and no more than a handful: each asks every host of the datacenter whether it fits
  const vms = await ctx.db.all<{ id: number; name: string; cpu_cores: number; ram_gb: number }>(
    sql`SELECT id, name, cpu_cores, ram_gb FROM vms WHERE host_server_id = ${host.id} AND status = 'running'
        AND id NOT IN (SELECT vm_id FROM vm_operations WHERE status IN ('queued', 'running'))
        ORDER BY cpu_cores DESC, ram_gb, id LIMIT 8`,
  );
  if (!vms.length) return { ok: false, zone: host.zone, reason: `no running VM on ${host.name} is free to move` };
  const targets = new Map<number, Awaited<ReturnType<typeof migrationTargets>>>();
  for (const vm of vms) targets.set(vm.id, await migrationTargets(ctx, vm.id));
  const move = chooseMigration(host, vms, (id) =>
    (targets.get(id) ?? []).map((t) => {
      const cpu = t.resources.find((r) => r.resource === 'cpu');
      return { server_id: t.server_id, name: t.name, allowed: t.allowed, free_cpu: cpu?.limited ? cpu.free : null };
    }),
  );
  if (!move) {
    const why = [...targets.values()].flat().find((t) => !t.allowed)?.reasons[0];
    return {
      ok: false,
      zone: host.zone,
      reason: `no VM on ${host.name} fits on another host${why ? ` (e.g. ${why})` : ''}`,
    };
  }
  return { ok: true, zone: host.zone, target: `${move.vm_name} (${host.name} → ${move.to_host})`, proposal: move };
}

/** A restart or a cleanup acts on the alert's server itself, through its site agent's host driver. */
async function proposeOnHost(ctx: ServiceContext, p: PlaybookRow, a: AlertFacts): Promise<Proposal> {
  if (a.server_id === null) return { ok: false, zone: 'Public', reason: 'the alert names no server to act on' };
  const s = await ctx.db.get<{ id: number; name: string; zone: string } | undefined>(
    sql.raw(`SELECT s.id, s.name, ${rawZoneOf(serverEntity, 's')} AS zone FROM servers s WHERE s.id = ${a.server_id}`),
  );
  if (!s) return { ok: false, zone: 'Public', reason: `server ${a.server_id} no longer exists` };
  if (p.action === 'host.service_restart') {
    const unit = String(p.unit);
    return {
      ok: true,
      zone: s.zone,
      target: `${unit} on ${s.name}`,
      proposal: { server_id: s.id, server: s.name, unit },
    };
  }
  const dirs = typeof p.temp_dirs === 'string' ? (JSON.parse(p.temp_dirs) as string[]) : p.temp_dirs;
  const proposal = chooseCleanup(s, { ...p, temp_dirs: dirs ?? [] });
  return { ok: true, zone: s.zone, target: `${s.name}: ${cleanupSummary(proposal)}`, proposal };
}
