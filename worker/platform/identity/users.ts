import { count, eq, sql } from 'drizzle-orm';
import type { Actor, ServiceContext } from '../context';
import { users, type UserRow } from './tables/users';
import { isProduction } from '../../env';
import { runBatch, type Statement } from '../db/client';
import { auditEvent, auditInsertedRow, auditUpdatedRow, toStatement } from '../audit/trail';
import {
  ProblemError,
  conflict,
  forbidden,
  notFound,
  unauthorized,
  unprocessable,
  type FieldError,
} from '../http/problem';
import { throttle } from './throttle';
import { isCommonPassword } from './common-passwords';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import { can } from '../access/roles';

export const USER_HIDDEN = ['password_hash'] as const;
export const DEFAULT_ADMIN = { username: 'admin', password: 'admin123', email: 'admin@localhost' };

export type PublicUser = Omit<UserRow, 'password_hash'>;
export const publicUser = ({ password_hash: _, ...u }: UserRow): PublicUser => u;
export const actorOf = (u: Pick<UserRow, 'id' | 'username' | 'role' | 'clearance'>): Actor => ({
  id: u.id,
  username: u.username,
  role: u.role,
  clearance: u.clearance,
});

const iterations = (ctx: ServiceContext) => Number(ctx.env.PASSWORD_HASH_ITERATIONS ?? 100_000);
const auditUsers = { table: users, entityType: 'user', hidden: USER_HIDDEN };

/**
 * Local development convenience: the documented admin/admin123 account is created when the database has no
 * users at all. Never in production, where the first admin is created with `npm run create-admin` (scripts/create-admin.mjs).
 */
export async function ensureDefaultAdmin(ctx: ServiceContext): Promise<void> {
  if (isProduction(ctx.env)) return;
  const row = await ctx.db.select({ n: count() }).from(users).get();
  if ((row?.n ?? 0) > 0) return;
  const hash = await hashPassword(DEFAULT_ADMIN.password, iterations(ctx));
  // outside local demo mode (e.g. a staging environment) the well-known password must be changed at first sign-in
  const mustChange = !['development', 'test'].includes((ctx.env.ENVIRONMENT ?? 'development').toLowerCase());
  // INSERT ... WHERE NOT EXISTS: two first requests racing each other still create one admin
  await runBatch(ctx.db, [
    toStatement(
      ctx,
      sql`INSERT INTO users (username, email, full_name, password_hash, role, clearance, must_change_password) SELECT ${DEFAULT_ADMIN.username}, ${DEFAULT_ADMIN.email}, 'Default administrator', ${hash}, 'admin', 'Top Secret', ${mustChange ? 1 : 0} WHERE NOT EXISTS (SELECT 1 FROM users)`,
    ),
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'bootstrap_admin',
        entityType: 'user',
        actor: 'system',
        details: { username: 'admin', must_change_password: mustChange },
      }),
    ),
  ]);
}

/** Check a username/password pair; both outcomes are audited, and an unknown user costs the same time. */
/** 429 after too many recent failures for this account name or this client address (same for unknown names). */
async function assertNotThrottled(ctx: ServiceContext, username: string): Promise<void> {
  const windowMs = Number(ctx.env.LOGIN_THROTTLE_WINDOW_MINUTES ?? 15) * 60_000;
  const since = new Date(Date.now() - windowMs).toISOString();
  const [byAccount, byIp] = await runBatch(ctx.db, [
    ctx.db.all<{ ts: string; ok: number }>(
      sql`SELECT ts, action = 'login' AS ok FROM audit_log WHERE action IN ('login', 'login_failed') AND ts > ${since} AND lower(actor) = lower(${username})`,
    ),
    ctx.db.all<{ ts: string; ok: number }>(
      sql`SELECT ts, 0 AS ok FROM audit_log WHERE action = 'login_failed' AND ts > ${since} AND client_ip = ${ctx.clientIp}`,
    ),
  ]);
  const now = Date.now();
  const verdicts = [
    throttle(
      byAccount.map((a) => ({ ts: a.ts, ok: !!a.ok })),
      now,
      { maxFailures: Number(ctx.env.LOGIN_MAX_FAILURES_PER_ACCOUNT ?? 5), windowMs },
    ),
    // successes do not clear an address: one valid account must not unlock guessing at the others
    throttle(
      byIp.map((a) => ({ ts: a.ts, ok: false })),
      now,
      { maxFailures: Number(ctx.env.LOGIN_MAX_FAILURES_PER_IP ?? 20), windowMs },
    ),
  ];
  const retryAfter = Math.max(...verdicts.map((v) => (v.blocked ? v.retryAfter : 0)));
  if (retryAfter > 0) {
    await runBatch(ctx.db, [
      toStatement(
        ctx,
        auditEvent(ctx, { action: 'login_throttled', entityType: 'session', actor: username.slice(0, 64) }),
      ),
    ]);
    throw new ProblemError(429, 'too-many-requests', `Too many failed sign-ins. Try again in ${retryAfter} seconds.`, {
      headers: { 'Retry-After': String(retryAfter) },
      extra: { retry_after: retryAfter },
    });
  }
}

export async function authenticate(ctx: ServiceContext, username: string, password: string): Promise<UserRow> {
  await ensureDefaultAdmin(ctx);
  await assertNotThrottled(ctx, username);
  const user = await ctx.db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username.trim()})`)
    .get();
  const ok = user ? await verifyPassword(password, user.password_hash) : await burnPasswordCheck(password);
  if (!user || !ok || user.disabled) {
    await runBatch(ctx.db, [
      toStatement(
        ctx,
        auditEvent(ctx, {
          action: 'login_failed',
          entityType: 'session',
          actor: username.slice(0, 64),
          details: { reason: !user || !ok ? 'bad_credentials' : 'disabled' },
        }),
      ),
    ]);
    // one answer for unknown user, wrong password and disabled account: no account enumeration
    throw unauthorized('Incorrect username or password.');
  }
  const actorCtx = { ...ctx, actor: actorOf(user) };
  await runBatch(ctx.db, [
    ctx.db
      .update(users)
      .set({ last_login_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
      .where(eq(users.id, user.id)) as unknown as Statement,
    toStatement(
      actorCtx,
      auditEvent(actorCtx, {
        action: 'login',
        entityType: 'session',
        entityId: user.id,
        entityName: user.username,
      }),
    ),
  ]);
  return user;
}

async function assertFree(
  ctx: ServiceContext,
  username: string | undefined,
  email: string | undefined,
  exceptId?: number,
) {
  const errors: FieldError[] = [];
  if (username) {
    const u = await ctx.db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.username}) = lower(${username})`)
      .get();
    if (u && u.id !== exceptId) errors.push({ field: 'username', message: `"${username}" is already taken` });
  }
  if (email) {
    const u = await ctx.db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`)
      .get();
    if (u && u.id !== exceptId) errors.push({ field: 'email', message: `"${email}" is already registered` });
  }
  if (errors.length) throw conflict(errors.map((e) => `${e.field} ${e.message}`).join('; ') + '.', errors);
}

/** 422 for a password on the common-passwords list (kept server-side: the list is too big for the UI bundle). */
export async function assertNotCommon(password: string, username?: string): Promise<void> {
  if (await isCommonPassword(password, username)) {
    throw unprocessable([
      { field: 'password', message: 'is one of the most common passwords; choose something less guessable' },
    ]);
  }
}

export interface Registration {
  username: string;
  email: string;
  password: string;
  full_name?: string | null;
  role?: string;
  /** admins only: the zone the account may see, and a temporary password to replace at first sign-in */
  clearance?: string;
  must_change_password?: boolean;
}

/**
 * Self-registration creates a viewer and records the role asked for, for an admin to approve. An admin
 * registering someone may grant any role directly.
 */
export async function register(ctx: ServiceContext, input: Registration): Promise<PublicUser> {
  // a first self-registration must not lock the local admin out of an empty database
  await ensureDefaultAdmin(ctx);
  await assertNotCommon(input.password, input.username);
  await assertFree(ctx, input.username, input.email);
  const byAdmin = ctx.actor !== null && can(ctx.actor.role, 'users:manage');
  const asked = input.role ?? 'viewer';
  const role = byAdmin ? asked : 'viewer';
  const values = {
    username: input.username,
    email: input.email,
    full_name: input.full_name ?? null,
    password_hash: await hashPassword(input.password, iterations(ctx)),
    role,
    requested_role: !byAdmin && asked !== 'viewer' ? asked : null,
    ...(byAdmin && input.clearance ? { clearance: input.clearance } : {}),
    ...(byAdmin && input.must_change_password ? { must_change_password: true } : {}),
  };
  const [rows] = await runBatch(ctx.db, [
    ctx.db.insert(users).values(values).returning() as unknown as Statement,
    toStatement(ctx, auditInsertedRow(ctx, auditUsers)),
  ]);
  return publicUser((rows as UserRow[])[0]);
}

export async function getUser(ctx: ServiceContext, id: number): Promise<UserRow> {
  const user = await ctx.db.select().from(users).where(eq(users.id, id)).get();
  if (!user) throw notFound('User', id);
  return user;
}

export interface UserPatch {
  role?: string;
  disabled?: boolean;
  full_name?: string | null;
  email?: string;
  clearance?: string;
  approve_requested_role?: boolean;
}

export async function updateUser(ctx: ServiceContext, id: number, patch: UserPatch): Promise<PublicUser> {
  const before = await getUser(ctx, id);
  const { approve_requested_role, ...fields } = patch;
  const set: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (approve_requested_role !== undefined) {
    if (!before.requested_role) {
      throw unprocessable([
        { field: 'approve_requested_role', message: `${before.username} has no pending role request` },
      ]);
    }
    if (approve_requested_role) set.role = before.requested_role;
    set.requested_role = null;
  }
  if (ctx.actor?.id === id && ((set.role && set.role !== 'admin') || set.disabled === true)) {
    throw forbidden('You cannot demote or disable your own account; ask another admin.');
  }
  if (set.email) await assertFree(ctx, undefined, set.email as string, id);
  if (Object.keys(set).length === 0) {
    throw unprocessable([{ field: '(body)', message: 'send at least one field to change' }]);
  }
  const [rows] = await runBatch(ctx.db, [
    ctx.db
      .update(users)
      .set({ ...set, updated_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
      .where(eq(users.id, id))
      .returning() as unknown as Statement,
    toStatement(ctx, auditUpdatedRow(ctx, auditUsers, id, publicUser(before))),
  ]);
  return publicUser((rows as UserRow[])[0]);
}

/** 20 characters from a 64-letter alphabet (120 bits): an invite password the user must replace at first sign-in. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!@#$%';
  return [...crypto.getRandomValues(new Uint8Array(20))].map((b) => alphabet[b % 64]).join('');
}

/**
 * An admin creates an account with its role and clearance granted directly. The password is temporary either way
 * (must_change_password): the admin's own, or a generated one returned once as `temporary_password`.
 */
export async function createUserByAdmin(
  ctx: ServiceContext,
  input: Omit<Registration, 'password' | 'must_change_password'> & { password?: string },
): Promise<PublicUser & { temporary_password?: string }> {
  const generated = input.password ? undefined : generatePassword();
  const user = await register(ctx, { ...input, password: input.password ?? generated!, must_change_password: true });
  return generated ? { ...user, temporary_password: generated } : user;
}
