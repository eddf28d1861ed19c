import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch } from '../platform/db/client';
import { isProduction } from '../env';
import { canSee, TOP_ZONE } from '../platform/access/zones';
import { verifyPassword } from '../platform/identity/passwords';
import { DEFAULT_ADMIN } from '../platform/identity/users';
import { PASSWORD_MIN } from '../platform/identity/schemas/user';
import { verifyAuditTrail } from '../platform/audit/verify';
import { andVisible, inZone } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';
import { FRAMEWORK_IDS, FRAMEWORKS, type FrameworkId } from './controls';
import { buildReport, type ComplianceData, type Report, type UserFacts } from './evaluate';
import { openKevFindings } from '../vulnerabilities/compliance-facts';

const latest = (...xs: (string | null | undefined)[]): string | null =>
  xs.filter((x): x is string => !!x).reduce<string | null>((a, b) => (a && a > b ? a : b), null);

/**
 * Second factors per user: active passkeys, and confirmed TOTP factors (worker/platform/identity/tables/mfa.ts) when that table
 * exists in the database (a database migrated before the MFA work has passkeys only).
 */
async function secondFactors(ctx: ServiceContext): Promise<{ kinds: string[]; byUser: Map<number, string[]> }> {
  const byUser = new Map<number, string[]>();
  const add = (id: number, kind: string) => byUser.set(id, [...(byUser.get(id) ?? []), kind]);
  const passkeys = await ctx.db.all<{ user_id: number }>(
    sql`SELECT DISTINCT user_id FROM passkeys WHERE revoked_at IS NULL`,
  );
  for (const p of passkeys) add(p.user_id, 'passkey');
  const kinds = ['passkey'];
  const totp = await ctx.db.all<{ name: string }>(
    sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'totp_factors'`,
  );
  if (totp.length) {
    kinds.push('TOTP');
    const rows = await ctx.db.all<{ user_id: number }>(
      sql`SELECT user_id FROM totp_factors WHERE confirmed_at IS NOT NULL`,
    );
    for (const r of rows) add(r.user_id, 'TOTP');
  }
  return { kinds, byUser };
}

/** Everything the checks look at, read once, with objects limited to the caller's clearance. */
export async function gatherComplianceData(ctx: ServiceContext, now = new Date()): Promise<ComplianceData> {
  const tsVisible = canSee(ctx.actor, TOP_ZONE);
  const [users, sessionUse, tokenUse, tokens, tsRacks, servers, dcs, lastCheckpoint] = await runBatch(ctx.db, [
    ctx.db.all<{
      id: number;
      username: string;
      role: string;
      clearance: string;
      disabled: number;
      created_at: string;
      last_login_at: string | null;
      requested_role: string | null;
      password_hash: string;
    }>(
      sql`SELECT id, username, role, clearance, disabled, created_at, last_login_at, requested_role, password_hash FROM users ORDER BY username`,
    ),
    ctx.db.all<{ user_id: number; at: string | null }>(
      sql`SELECT user_id, max(last_used_at) AS at FROM sessions GROUP BY user_id`,
    ),
    ctx.db.all<{ user_id: number; at: string | null }>(
      sql`SELECT user_id, max(last_used_at) AS at FROM api_tokens GROUP BY user_id`,
    ),
    ctx.db.all<{
      id: number;
      name: string;
      token_prefix: string;
      user_id: number;
      username: string;
      created_at: string;
      expires_at: string | null;
      last_used_at: string | null;
      revoked_at: string | null;
    }>(
      sql`SELECT t.id, t.name, t.token_prefix, t.user_id, u.username, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
          FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.revoked_at IS NULL ORDER BY t.id`,
    ),
    // Top Secret racks exist for the caller only if their clearance reaches Top Secret
    ctx.db.all<{ id: number; name: string; datacenter: string }>(
      tsVisible
        ? sql`SELECT r.id, r.name, d.name AS datacenter FROM racks r JOIN datacenters d ON d.id = r.datacenter_id
              WHERE ${inZone(rackEntity, 'r', TOP_ZONE)} ORDER BY d.name, r.name`
        : sql`SELECT 0 AS id, '' AS name, '' AS datacenter WHERE 0`,
    ),
    ctx.db.all<{ id: number; name: string; rack: string; status: string; warranty_expires: string | null }>(
      sql`SELECT s.id, s.name, r.name AS rack, s.status, s.warranty_expires FROM servers s JOIN racks r ON r.id = s.rack_id
          WHERE s.status <> 'decommissioned'${andVisible(ctx, rackEntity, 'r')}`,
    ),
    ctx.db.all<{ id: number; name: string; status: string; certifications: string }>(
      sql`SELECT id, name, status, certifications FROM datacenters ORDER BY name`,
    ),
    ctx.db.all<{ id: number; created_at: string }>(
      sql`SELECT id, created_at FROM audit_checkpoints ORDER BY created_at DESC, id DESC LIMIT 1`,
    ),
  ]);
  const [factors, verify, kevFindings] = await Promise.all([
    secondFactors(ctx),
    verifyAuditTrail(ctx),
    openKevFindings(ctx),
  ]);
  const sessionsBy = new Map(sessionUse.map((s) => [s.user_id, s.at]));
  const tokensBy = new Map(tokenUse.map((s) => [s.user_id, s.at]));

  const admin = users.find((u) => u.username.toLowerCase() === DEFAULT_ADMIN.username);
  const parseList = (s: string): string[] => {
    try {
      const v = JSON.parse(s);
      return Array.isArray(v) ? v.map(String) : [];
    } catch {
      return [];
    }
  };

  return {
    now,
    production: isProduction(ctx.env),
    users: users.map((u): UserFacts => ({
      id: u.id,
      username: u.username,
      role: u.role,
      clearance: u.clearance,
      disabled: !!u.disabled,
      created_at: u.created_at,
      last_active_at: latest(u.last_login_at, sessionsBy.get(u.id), tokensBy.get(u.id)),
      requested_role: u.requested_role,
      second_factors: factors.byUser.get(u.id) ?? [],
    })),
    tokens,
    top_secret_racks: tsRacks,
    servers_in_service: servers,
    datacenters: dcs.map((d) => ({ ...d, certifications: parseList(d.certifications) })),
    audit: {
      ok: verify.ok,
      entries: verify.checked.entries,
      unsealed: verify.unsealed,
      first_broken: verify.first_broken && { id: verify.first_broken.id, reason: verify.first_broken.reason },
      checkpoint_problems: verify.checkpoints.problems,
      last_checkpoint_at: lastCheckpoint[0]?.created_at ?? null,
      last_checkpoint_id: lastCheckpoint[0]?.id ?? null,
    },
    password_min_length: PASSWORD_MIN,
    default_admin: admin
      ? {
          id: admin.id,
          disabled: !!admin.disabled,
          default_password: await verifyPassword(DEFAULT_ADMIN.password, admin.password_hash),
        }
      : null,
    factor_kinds: factors.kinds,
    storage: null,
    kev_findings: kevFindings,
  };
}

export async function complianceReport(ctx: ServiceContext, framework: FrameworkId): Promise<Report> {
  return buildReport(framework, await gatherComplianceData(ctx));
}

/** Every framework with its counts, from one gathering of the data. */
export async function complianceOverview(ctx: ServiceContext) {
  const data = await gatherComplianceData(ctx);
  return {
    generated_at: data.now.toISOString(),
    frameworks: FRAMEWORK_IDS.map((id) => {
      const r = buildReport(id, data);
      return {
        framework: id,
        title: FRAMEWORKS[id].title,
        description: FRAMEWORKS[id].description,
        controls: r.controls.length,
        summary: r.summary,
      };
    }),
  };
}
