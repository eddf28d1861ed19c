// Asking a server's site agent to act on the server itself (its host driver): restart a systemd unit, clean its
// disk. The server is named to the agent by its inventory name; the agent's config maps that name to its own
// machine or an SSH destination, and says which units and directories it may touch.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { getRow } from '../platform/http/resource';
import { conflict } from '../platform/http/problem';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { runBatch, type Statement } from '../platform/db/client';
import { serversResource } from '../dcim/servers';
import { hostOperations } from './tables';
import { siteQueueChanged } from '../../durable-objects/site-agent-client';

export const HOST_OPERATION_KINDS = ['host.service_restart', 'host.disk_cleanup'] as const;
export type HostOperationKind = (typeof HOST_OPERATION_KINDS)[number];

/** The site queue tells host operations from VM and workload ones by this prefix of their key. */
export const HOST_KEY_PREFIX = 'host:';

type HostOperation = typeof hostOperations.$inferSelect;

/**
 * Queue one host operation on a server (the same key again returns the operation it made, whatever its state).
 * Refused (409) when the server has no site (no rack in a datacenter: no agent can reach it), or when another host
 * operation on it is queued or running: two cleanups or a restart during a cleanup gain nothing.
 */
export async function requestHostOperation(
  ctx: ServiceContext,
  serverId: number,
  kind: HostOperationKind,
  params: Record<string, unknown>,
  clientKey: string,
): Promise<{ operation: HostOperation; replayed: boolean }> {
  const server = await getRow(ctx, serversResource, serverId);
  const key = `${HOST_KEY_PREFIX}client:${ctx.actor?.id ?? 0}:${clientKey}`;
  const again = await ctx.db.select().from(hostOperations).where(eq(hostOperations.idempotency_key, key)).get();
  if (again) {
    if (again.server_id !== serverId || again.kind !== kind) {
      throw conflict('This idempotency key was already used for another operation.', [
        { field: 'Idempotency-Key', message: `belongs to host operation ${again.id} (${again.kind})` },
      ]);
    }
    return { operation: again, replayed: true };
  }
  const site = await ctx.db.get<{ datacenter_id: number } | undefined>(
    sql`SELECT r.datacenter_id FROM servers s JOIN racks r ON r.id = s.rack_id WHERE s.id = ${serverId}`,
  );
  if (!site) {
    throw conflict(`Server ${server.name} is in no rack of a datacenter: no site agent can reach it.`, [
      { field: 'server_id', message: 'has no site' },
    ]);
  }
  const busy = await ctx.db
    .select({ id: hostOperations.id, kind: hostOperations.kind, status: hostOperations.status })
    .from(hostOperations)
    .where(and(eq(hostOperations.server_id, serverId), inArray(hostOperations.status, ['queued', 'running'])))
    .get();
  if (busy) {
    throw conflict(
      `Server ${server.name} already has host operation ${busy.id} (${busy.kind}) ${busy.status}; wait for it.`,
      [{ field: 'server_id', message: `operation ${busy.id} is ${busy.status}` }],
    );
  }
  await runBatch(ctx.db, [
    ctx.db.insert(hostOperations).values({
      server_id: serverId,
      datacenter_id: site.datacenter_id,
      kind,
      params,
      idempotency_key: key,
      requested_by: ctx.actor?.username ?? 'system',
    }) as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: `${kind.replace('.', '_')}_requested`,
        entityType: 'server',
        entityId: serverId,
        entityName: String(server.name),
        details: params,
      }),
    ),
  ]);
  await siteQueueChanged(ctx.env, site.datacenter_id);
  const op = await ctx.db.select().from(hostOperations).where(eq(hostOperations.idempotency_key, key)).get();
  return { operation: op!, replayed: false };
}
