import { count, eq, inArray } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { datacenters } from '../dcim/tables';
import { createRows, type Row } from '../platform/http/resource';
import { datacentersResource } from '../dcim/datacenters';
import { racksResource } from '../dcim/racks';
import { serversResource } from '../dcim/servers';
import { register, updateUser } from '../platform/identity/users';
import { vmsResource } from '../virtualization/vms';
import { DEMO_PASSWORD, DEMO_USERS, demoDeviceTypes, demoEstate } from './estate';
import { deviceTypesResource } from '../device-types/device-types';
import { demoVms } from './vms';
import { demoContainers } from './containers';
import { seedPhysical } from './physical-seed';
import { seedIpam } from './ipam-seed';
import { seedCost } from './cost-seed';
import { clusterNodesResource, clustersResource, workloadsResource } from '../virtualization/containers';
import { scalingGroupsResource } from '../virtualization/scaling-groups';
import { vms as vmsTable } from '../virtualization/tables';

const CHUNK = 200;

async function createInChunks(ctx: ServiceContext, def: typeof racksResource, rows: Row[]): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(...(await createRows(ctx, def, rows.slice(i, i + CHUNK))));
  return out;
}

/**
 * One web pool per site: its first web VM is the template (kept stopped, as an image is), two running clones are
 * its members, and the minute cron grows or shrinks it from the hosts' CPU like any other group.
 */
async function seedScalingGroups(ctx: ServiceContext, vms: Row[], vmsByDc: string[][]) {
  let groups = 0;
  let members = 0;
  for (const names of vmsByDc) {
    const tpl = vms.find((v) => names.includes(v.name as string) && /-vm-web-/.test(v.name as string));
    if (!tpl) continue;
    const pool = `${(tpl.name as string).split('-')[0]}-web-pool`;
    await ctx.db
      .update(vmsTable)
      .set({ status: 'stopped' })
      .where(eq(vmsTable.id, tpl.id as number));
    const [group] = await createRows(ctx, scalingGroupsResource, [
      { name: pool, template_vm_id: tpl.id, scale_out_above: 80, scale_in_below: 15, min_size: 1, max_size: 4 },
    ]);
    const { id: _, name: __, created_at: ___, updated_at: ____, ...spec } = tpl;
    const made = await createRows(
      ctx,
      vmsResource,
      [1, 2].map((n) => ({
        name: `${pool}-${n}`,
        host_server_id: spec.host_server_id,
        hypervisor: spec.hypervisor,
        os: spec.os,
        cpu_cores: spec.cpu_cores,
        ram_gb: spec.ram_gb,
        disk_gb: spec.disk_gb,
        network_type: spec.network_type,
        vlan: spec.vlan,
        owner: spec.owner,
        tags: spec.tags,
        status: 'running',
      })),
    );
    await ctx.db
      .update(vmsTable)
      .set({ scaling_group_id: group!.id as number, cloned_from_vm_id: tpl.id as number })
      .where(
        inArray(
          vmsTable.id,
          made.map((m) => m.id as number),
        ),
      );
    groups++;
    members += made.length;
  }
  return { groups, members };
}

/**
 * Writes the demo estate through the same services as the API (validation rules, audit entries), only when
 * there is no datacenter yet: running it twice changes nothing.
 */
export async function seedDemo(ctx: ServiceContext, opts: { scale?: number; users?: boolean } = {}) {
  const existing = await ctx.db.select({ n: count() }).from(datacenters).get();
  if ((existing?.n ?? 0) > 0) return { seeded: false, reason: 'the database already holds datacenters' };

  const estate = demoEstate(undefined, opts.scale ?? 1);
  const dcs = await createRows(ctx, datacentersResource, estate.datacenters as unknown as Row[]);
  const racks = await createInChunks(
    ctx,
    racksResource,
    estate.racks.map(({ dc, profile: _, ...rack }) => ({ ...rack, datacenter_id: dcs[dc].id })),
  );
  const types = await createRows(ctx, deviceTypesResource, demoDeviceTypes());
  const typeOf = new Map(types.map((t) => [`${t.manufacturer}\u0000${t.model}`, t.id]));
  const servers = await createInChunks(
    ctx,
    serversResource,
    estate.servers.map(({ rack, ...server }) => ({
      ...server,
      rack_id: racks[rack].id,
      device_type_id: typeOf.get(`${server.manufacturer}\u0000${server.model}`) ?? null,
    })),
  );
  const physical = await seedPhysical(ctx, estate, { dcs, racks, servers });
  const ipam = await seedIpam(ctx, estate, { dcs, servers });
  const plannedVms = demoVms(estate.servers);
  const vms = await createInChunks(
    ctx,
    vmsResource,
    plannedVms.map(({ host, ...vm }) => ({ ...vm, host_server_id: servers[host].id })),
  );
  const vmsByDc: string[][] = dcs.map(() => []);
  plannedVms.forEach((vm) => vmsByDc[estate.racks[estate.servers[vm.host]!.rack]!.dc]!.push(vm.name));
  const planned = demoContainers(vmsByDc);
  const clusters = await createRows(
    ctx,
    clustersResource,
    planned.clusters.map(({ dc, nodes: _, ...c }) => ({ ...c, kind: 'kubernetes', datacenter_id: dcs[dc].id })),
  );
  const vmIds = new Map(vms.map((v) => [v.name as string, v.id as number]));
  await createRows(
    ctx,
    clusterNodesResource,
    planned.clusters.flatMap((c, i) =>
      c.nodes.map((n, j) => ({
        cluster_id: clusters[i]!.id,
        vm_id: vmIds.get(n)!,
        role: j === 0 ? 'control-plane' : 'worker',
      })),
    ),
  );
  const workloads = await createRows(
    ctx,
    workloadsResource,
    planned.workloads.map(({ cluster, ...w }) => ({ ...w, cluster_id: clusters[cluster]!.id })),
  );
  const scaling = await seedScalingGroups(ctx, vms, vmsByDc);
  const cost = await seedCost(ctx);
  let users = 0;
  if (opts.users !== false) {
    for (const { clearance, ...u } of DEMO_USERS) {
      try {
        const created = await register(ctx, { ...u, password: DEMO_PASSWORD });
        await updateUser(ctx, created.id, { clearance });
        users++;
      } catch {
        // an account of that name already exists: keep it as it is
      }
    }
  }
  return {
    seeded: true,
    datacenters: dcs.length,
    racks: racks.length,
    device_types: types.length,
    servers: servers.length,
    vms: vms.length + scaling.members,
    clusters: clusters.length,
    workloads: workloads.length,
    scaling_groups: scaling.groups,
    ...physical,
    ...ipam,
    ...cost,
    users,
  };
}
