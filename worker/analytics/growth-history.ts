import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch } from '../platform/db/client';
import { andVisible } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';
import { loadHosts } from '../virtualization/hosts';
import { monthKeys, type MonthlyHistory } from './capacity-forecast';

/** How far back inventory growth is read: three years show a trend without dragging in a different era. */
export const HISTORY_MONTHS = 36;

interface Change {
  datacenter_id: number;
  m: string;
  servers: number;
  u: number;
  w: number;
}

/**
 * Each datacenter's inventory month by month, rebuilt from the rows as they are now: a server counts from the
 * month it was bought (its purchase date; the month it was recorded when it has none) and stops drawing power
 * the month it was decommissioned (its last update). Servers deleted outright leave no trace, so history before
 * a deletion reads low. A VM counts from the month it was made.
 */
export async function growthHistory(ctx: ServiceContext, now = new Date()): Promise<Map<number, MonthlyHistory>> {
  const months = monthKeys(now, HISTORY_MONTHS);
  const visible = andVisible(ctx, rackEntity, 'r');
  const [added, retired, vmsAdded] = await runBatch(ctx.db, [
    ctx.db.all<Change>(
      sql`SELECT r.datacenter_id AS datacenter_id, substr(coalesce(s.purchase_date, s.created_at), 1, 7) AS m,
            count(*) AS servers, sum(s.u_size) AS u, sum(s.power_supply_w) AS w
          FROM servers s JOIN racks r ON r.id = s.rack_id WHERE 1 = 1${visible} GROUP BY 1, 2`,
    ),
    ctx.db.all<Change>(
      sql`SELECT r.datacenter_id AS datacenter_id, substr(s.updated_at, 1, 7) AS m, 0 AS servers, 0 AS u,
            sum(s.power_supply_w) AS w
          FROM servers s JOIN racks r ON r.id = s.rack_id WHERE s.status = 'decommissioned'${visible} GROUP BY 1, 2`,
    ),
    ctx.db.all<{ datacenter_id: number; m: string; vcpus: number }>(
      sql`SELECT r.datacenter_id AS datacenter_id, substr(v.created_at, 1, 7) AS m, sum(v.cpu_cores) AS vcpus
          FROM vms v JOIN servers s ON s.id = v.host_server_id JOIN racks r ON r.id = s.rack_id
          WHERE 1 = 1${visible} GROUP BY 1, 2`,
    ),
  ]);
  const out = new Map<number, MonthlyHistory>();
  const series = (dc: number) => {
    let h = out.get(dc);
    if (!h) {
      const zeros = () => months.map(() => 0);
      h = { months, servers: zeros(), u_used: zeros(), power_kw: zeros(), vcpus: zeros() };
      out.set(dc, h);
    }
    return h;
  };
  // a change lands in its month's slot; before the window it is part of the first month, after it (a purchase
  // date in the future) part of the current one
  const slot = (m: string) => {
    if (m <= months[0]!) return 0;
    const i = months.indexOf(m);
    return i < 0 ? months.length - 1 : i;
  };
  for (const c of added) {
    const h = series(c.datacenter_id);
    const i = slot(c.m ?? months[months.length - 1]!);
    h.servers[i]! += c.servers;
    h.u_used[i]! += c.u;
    h.power_kw[i]! += c.w / 1000;
  }
  for (const c of retired) series(c.datacenter_id).power_kw[slot(c.m)]! -= c.w / 1000;
  for (const c of vmsAdded) series(c.datacenter_id).vcpus[slot(c.m)]! += c.vcpus;
  for (const h of out.values()) {
    for (const k of ['servers', 'u_used', 'power_kw', 'vcpus'] as const) {
      for (let i = 1; i < months.length; i++) h[k][i]! += h[k][i - 1]!;
    }
  }
  return out;
}

/** vCPU the VM hosts of each datacenter offer (physical cores × overcommit): the compute capacity. */
export async function computeCapacity(ctx: ServiceContext): Promise<Map<number, number>> {
  const hosts = await loadHosts(ctx, {});
  const out = new Map<number, number>();
  for (const h of hosts) {
    // a server is a VM host when it carries VMs or was given ratios: other servers run bare-metal work
    if (!h.vm_count && !h.custom_ratios) continue;
    const cpu = h.resources.find((r) => r.resource === 'cpu');
    if (cpu?.limited) out.set(h.datacenter_id, (out.get(h.datacenter_id) ?? 0) + cpu.capacity);
  }
  return out;
}
