import { count } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { datacenters } from '../dcim/tables';
import { createRows, type Row } from '../platform/http/resource';
import { datacentersResource } from '../dcim/datacenters';
import { racksResource } from '../dcim/racks';
import { serversResource } from '../dcim/servers';
import { register, updateUser } from '../platform/identity/users';
import { vmsResource } from '../virtualization/vms';
import { DEMO_PASSWORD, DEMO_USERS, demoEstate } from './estate';
import { demoVms } from './vms';

const CHUNK = 200;

async function createInChunks(ctx: ServiceContext, def: typeof racksResource, rows: Row[]): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(...(await createRows(ctx, def, rows.slice(i, i + CHUNK))));
  return out;
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
  const servers = await createInChunks(
    ctx,
    serversResource,
    estate.servers.map(({ rack, ...server }) => ({ ...server, rack_id: racks[rack].id })),
  );
  const vms = await createInChunks(
    ctx,
    vmsResource,
    demoVms(estate.servers).map(({ host, ...vm }) => ({ ...vm, host_server_id: servers[host].id })),
  );
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
    servers: servers.length,
    vms: vms.length,
    users,
  };
}
