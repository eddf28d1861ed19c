import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Actor, ServiceContext } from '../context';
import { runBatch, type Statement } from '../db/client';
import { users } from './tables/users';
import { apiTokens, type ApiTokenRow } from './tables/sessions';
import { auditEvent, auditInsertedRow, toStatement } from '../audit/trail';
import { forbidden, notFound, unprocessable } from '../http/problem';
import { randomSecret, sha256Hex } from './secrets';
import { can } from '../access/roles';

export const API_TOKEN_PREFIX = 'dcp_';
const HIDDEN = ['token_hash'] as const;
const publicToken = ({ token_hash: _, ...t }: ApiTokenRow) => t;

export async function createApiToken(
  ctx: ServiceContext,
  input: { name: string; scopes: string[]; site_id?: number | null; expires_in_days?: number | null },
) {
  const owner = ctx.actor!;
  if (input.scopes.includes('admin') && owner.role !== 'admin') {
    throw forbidden('Only admins can create tokens with the "admin" scope.');
  }
  // an agent token is for one site's agent and nothing else: a stolen one reaches one site's queue
  const agent = input.scopes.includes('agent');
  if (agent && input.scopes.length > 1) {
    throw unprocessable([{ field: 'scopes', message: 'an agent token has the "agent" scope alone' }]);
  }
  if (agent !== (input.site_id != null)) {
    throw unprocessable([
      { field: 'site_id', message: agent ? 'is required for an agent token' : 'is only for agent tokens' },
    ]);
  }
  const token = API_TOKEN_PREFIX + randomSecret(30);
  const expires = input.expires_in_days
    ? new Date(Date.now() + input.expires_in_days * 86_400_000).toISOString()
    : null;
  const [rows] = await runBatch(ctx.db, [
    ctx.db
      .insert(apiTokens)
      .values({
        user_id: owner.id,
        name: input.name,
        token_prefix: token.slice(0, 12),
        token_hash: await sha256Hex(token),
        scopes: input.scopes,
        site_id: input.site_id ?? null,
        expires_at: expires,
      })
      .returning() as unknown as Statement,
    toStatement(ctx, auditInsertedRow(ctx, { table: apiTokens, entityType: 'api_token', hidden: HIDDEN })),
  ]);
  return { ...publicToken((rows as ApiTokenRow[])[0]), username: owner.username, token };
}

export async function listApiTokens(ctx: ServiceContext, all: boolean) {
  const rows = await ctx.db
    .select({ t: apiTokens, username: users.username })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.user_id))
    .where(all ? undefined : eq(apiTokens.user_id, ctx.actor!.id))
    .orderBy(desc(apiTokens.id))
    .limit(500)
    .all();
  return rows.map((r) => ({ ...publicToken(r.t), username: r.username }));
}

export async function revokeApiToken(ctx: ServiceContext, id: number) {
  const row = await ctx.db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
  const actor = ctx.actor!;
  if (!row || (row.user_id !== actor.id && !can(actor.role, 'users:manage'))) throw notFound('API token', id);
  if (!row.revoked_at) {
    await runBatch(ctx.db, [
      ctx.db
        .update(apiTokens)
        .set({ revoked_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
        .where(eq(apiTokens.id, id)) as unknown as Statement,
      toStatement(
        ctx,
        auditEvent(ctx, {
          action: 'api_token_revoked',
          entityType: 'api_token',
          entityId: id,
          details: { name: row.name },
        }),
      ),
    ]);
  }
}

/** The owner of a live token, with the token's scopes; `null` for an unknown, revoked or expired token. */
export async function resolveApiToken(
  ctx: Pick<ServiceContext, 'db'>,
  token: string,
): Promise<(Actor & { tokenId: number }) | null> {
  const now = new Date().toISOString();
  const row = await ctx.db
    .select({ t: apiTokens, u: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.user_id))
    .where(
      and(
        eq(apiTokens.token_hash, await sha256Hex(token)),
        isNull(apiTokens.revoked_at),
        or(isNull(apiTokens.expires_at), gt(apiTokens.expires_at, now)),
        eq(users.disabled, false),
      ),
    )
    .get();
  if (!row) return null;
  return {
    id: row.u.id,
    username: row.u.username,
    role: row.u.role,
    clearance: row.u.clearance,
    scopes: row.t.scopes,
    site_id: row.t.site_id,
    tokenId: row.t.id,
  };
}

/** Record use at most once a minute per token: a write per request would double the cost of every call. */
export const touchApiToken = (ctx: Pick<ServiceContext, 'db'>, id: number) =>
  ctx.db
    .update(apiTokens)
    .set({ last_used_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
    .where(
      and(
        eq(apiTokens.id, id),
        or(
          isNull(apiTokens.last_used_at),
          sql`${apiTokens.last_used_at} < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 seconds')`,
        ),
      ),
    )
    .run();
