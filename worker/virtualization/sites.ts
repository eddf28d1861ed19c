import { and, count, eq } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { forbidden } from '../platform/http/problem';
import { getRow } from '../platform/http/resource';
import { datacentersResource } from '../dcim/datacenters';
import { siteAgents, vmOperations, workloadOperations } from './tables';
import type { AgentAttachment } from '../../durable-objects/site-agent';

/** Who may connect as a site's agent: an `agent` token, for the site it is bound to (which must exist). */
export async function agentAttachment(ctx: ServiceContext, accessMinutes: number): Promise<AgentAttachment> {
  const actor = ctx.actor!;
  if (!actor.scopes?.includes('agent') || !actor.site_id) {
    throw forbidden('Only an agent token (scope "agent", bound to a site) connects a site agent.');
  }
  const dc = await getRow(ctx, datacentersResource, actor.site_id);
  return {
    site: { datacenter_id: Number(dc.id), name: String(dc.name) },
    username: actor.username,
    exp: Date.now() + accessMinutes * 60_000,
  };
}

/** A site's agent as last seen, with its queue. */
export async function siteAgentStatus(ctx: ServiceContext, datacenterId: number) {
  await getRow(ctx, datacentersResource, datacenterId);
  const row = await ctx.db.select().from(siteAgents).where(eq(siteAgents.datacenter_id, datacenterId)).get();
  const pending = await ctx.db
    .select({ status: vmOperations.status, n: count() })
    .from(vmOperations)
    .where(and(eq(vmOperations.datacenter_id, datacenterId)))
    .groupBy(vmOperations.status)
    .all();
  const workloadPending = await ctx.db
    .select({ status: workloadOperations.status, n: count() })
    .from(workloadOperations)
    .where(eq(workloadOperations.datacenter_id, datacenterId))
    .groupBy(workloadOperations.status)
    .all();
  // the site queue holds both kinds
  const n = (s: string) =>
    (pending.find((p) => p.status === s)?.n ?? 0) + (workloadPending.find((p) => p.status === s)?.n ?? 0);
  return {
    datacenter_id: datacenterId,
    connected: row?.connected ?? false,
    hostname: row?.hostname ?? null,
    version: row?.version ?? null,
    drivers: row?.drivers ?? [],
    dry_run: row?.dry_run ?? false,
    connected_at: row?.connected_at ?? null,
    disconnected_at: row?.disconnected_at ?? null,
    last_seen_at: row?.last_seen_at ?? null,
    operation_id: row?.operation_id ?? null,
    unreachable: row?.unreachable ?? [],
    queued: n('queued'),
    running: n('running'),
  };
}
