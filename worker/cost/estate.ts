// The D1 side of the cost model: what the caller may see of the estate, and what was metered in a window.
import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible, visibleWhere } from '../platform/access/entities';
import { rackEntity, serverEntity } from '../dcim/access';
import { storageSystemEntity } from '../storage/access';
import { networkDeviceEntity } from '../network/access';
import { clusterNodeEntity, vmEntity, workloadEntity } from '../virtualization/access';
import { isWholeDevice } from '../telemetry/rack-summary';
import { runBatch } from '../platform/db/client';
import { costContracts, costTariffs } from './tables';
import { contractEntity } from './access';
import type {
  ClusterNodeIn,
  ContractIn,
  DatacenterIn,
  DeviceIn,
  Estate,
  Metered,
  RackIn,
  TariffIn,
  VmIn,
  WorkloadIn,
} from './model';
import { HOUR, type Window } from './time';

const labelKeys = (labels: string) => Object.fromEntries([...labels.matchAll(/(\w+)="/g)].map((m) => [m[1], '']));

/**
 * Each server's measured IT energy by UTC hour of day over the complete hours of `window`, from the hourly
 * rollups of `power_w` (the mean of an hour in W is its energy in Wh). A server reporting several whole-device
 * series (two exporters) counts the one with the most hours; per-PSU series are parts, not the whole.
 */
async function meteredEnergy(ctx: ServiceContext, window: Window): Promise<Map<number, Metered>> {
  const rows = await ctx.db.all<{ server_id: number; labels: string; h: number; wh: number; n: number }>(
    sql`SELECT server_id, labels, (bucket_start / ${HOUR}) % 24 AS h, sum(sum / count) AS wh, count(*) AS n
        FROM metric_rollups
        WHERE metric = 'power_w' AND step_s = 3600 AND server_id > 0
          AND bucket_start >= ${window.from} AND bucket_start + ${HOUR} <= ${window.to}
        GROUP BY server_id, labels, h`,
  );
  const series = new Map<string, { server_id: number; m: Metered; n: number }>();
  for (const r of rows) {
    if (!isWholeDevice(labelKeys(r.labels))) continue;
    const k = `${r.server_id}|${r.labels}`;
    let s = series.get(k);
    if (!s)
      series.set(
        k,
        (s = { server_id: r.server_id, m: { wh: new Array(24).fill(0), hours: new Array(24).fill(0) }, n: 0 }),
      );
    s.m.wh[r.h] += r.wh;
    s.m.hours[r.h] += r.n;
    s.n += r.n;
  }
  const best = new Map<number, { m: Metered; n: number }>();
  for (const s of series.values()) if ((best.get(s.server_id)?.n ?? -1) < s.n) best.set(s.server_id, s);
  return new Map([...best].map(([id, s]) => [id, s.m]));
}

/** The inventory, tariffs and contracts the caller may see, and the metered energy and PUE of `window`. */
export async function loadEstate(ctx: ServiceContext, window: Window): Promise<Estate> {
  const vr = andVisible(ctx, rackEntity, 'r');
  const vs = andVisible(ctx, serverEntity, 's');
  const vst = andVisible(ctx, storageSystemEntity, 'st');
  const vn = andVisible(ctx, networkDeviceEntity, 'n');
  const vv = andVisible(ctx, vmEntity, 'v');
  const vw = andVisible(ctx, workloadEntity, 'w');
  const vcn = andVisible(ctx, clusterNodeEntity, 'cn');
  const [datacenters, racks, servers, storage, network, vms, tariffs, contracts, pue, workloads, clusterNodes] =
    await runBatch(ctx.db, [
      ctx.db.all<DatacenterIn>(sql`SELECT id, name, pue_target FROM datacenters`),
      ctx.db.all<RackIn>(sql`SELECT r.id, r.name, r.datacenter_id FROM racks r WHERE 1 = 1${vr}`),
      ctx.db.all<DeviceIn>(
        sql`SELECT 'server' AS kind, s.id, s.name, s.rack_id, r.datacenter_id, s.u_size, s.power_supply_w AS allocated_w,
            s.purchase_cost, s.purchase_date, s.status, s.cpu_cores AS cpu, s.ram_gb AS mem
          FROM servers s JOIN racks r ON r.id = s.rack_id WHERE 1 = 1${vs}`,
      ),
      ctx.db.all<DeviceIn>(
        sql`SELECT 'storage_system' AS kind, st.id, st.name, st.rack_id, st.datacenter_id, st.u_size, st.power_w AS allocated_w,
            st.purchase_cost, st.purchase_date, st.status, NULL AS cpu, NULL AS mem
          FROM storage_systems st WHERE 1 = 1${vst}`,
      ),
      ctx.db.all<DeviceIn>(
        sql`SELECT 'network_device' AS kind, n.id, n.name, n.rack_id, r.datacenter_id, n.u_size, n.power_w AS allocated_w,
            n.purchase_cost, n.purchase_date, n.status, NULL AS cpu, NULL AS mem
          FROM network_devices n JOIN racks r ON r.id = n.rack_id WHERE 1 = 1${vn}`,
      ),
      ctx.db.all<Omit<VmIn, 'tags'> & { tags: string }>(
        sql`SELECT v.id, v.name, v.host_server_id, v.cpu_cores AS cpu, v.ram_gb AS mem, v.owner, v.tags FROM vms v WHERE 1 = 1${vv}`,
      ),
      ctx.db.select().from(costTariffs),
      ctx.db.select().from(costContracts).where(visibleWhere(ctx, contractEntity)),
      ctx.db.all<{ datacenter_id: number; facility: number; it: number }>(
        sql`SELECT datacenter_id, sum(facility_sum / count) AS facility, sum(it_sum / count) AS it FROM pue_rollups
          WHERE bucket_start >= ${window.from} AND bucket_start < ${window.to} GROUP BY datacenter_id`,
      ),
      // what a workload declares (desired replicas, each its request or else its limit) is what it holds of its nodes
      ctx.db.all<WorkloadIn>(
        sql`SELECT w.id, w.name, w.namespace, w.cluster_id, w.replicas_desired AS replicas,
            coalesce(w.cpu_request_m, w.cpu_limit_m) AS cpu_m, coalesce(w.memory_request_mb, w.memory_limit_mb) AS mem_mb
          FROM workloads w WHERE 1 = 1${vw}`,
      ),
      ctx.db.all<ClusterNodeIn>(
        sql`SELECT cn.cluster_id, cn.server_id, cn.vm_id FROM cluster_nodes cn WHERE 1 = 1${vcn}`,
      ),
    ]);
  return {
    window,
    datacenters,
    racks,
    devices: [...servers, ...storage, ...network],
    vms: vms.map((v) => ({ ...v, tags: JSON.parse(v.tags || '[]') as string[] })),
    tariffs: tariffs as TariffIn[],
    contracts: contracts as ContractIn[],
    workloads,
    clusterNodes,
    metered: await meteredEnergy(ctx, window),
    pue: new Map(pue.map((p) => [p.datacenter_id, p])),
  };
}
