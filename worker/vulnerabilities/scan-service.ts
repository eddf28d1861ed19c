import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch, type Statement } from '../platform/db/client';
import { vulnerabilityFindings } from './tables';
import { componentsOf, type AssetFacts } from './products';
import { matchComponents, type CatalogueRow, type Match } from './match';
import { agentFacts } from './agent-labels';
import { findingScope } from './access';
import type { OsvAffected } from './ranges';

interface Asset extends AssetFacts {
  id: number;
}

/** Every non-decommissioned asset with its versioned fields (the platform's view: all zones). */
async function loadAssets(ctx: ServiceContext): Promise<{ assets: Asset[]; fromAgents: number }> {
  const [servers, vms, network, storage] = await runBatch(ctx.db, [
    ctx.db.all<Asset & { rack_id: number }>(
      sql`SELECT id, rack_id, manufacturer, model, os, os_version, firmware_version, bios_version FROM servers WHERE status <> 'decommissioned'`,
    ),
    ctx.db.all<Asset>(sql`SELECT id, hypervisor, os, os_version FROM vms`),
    ctx.db.all<Asset>(
      sql`SELECT id, manufacturer, model, os_version, firmware_version FROM network_devices WHERE status <> 'decommissioned'`,
    ),
    ctx.db.all<Asset>(
      sql`SELECT id, manufacturer, model, firmware_version FROM storage_systems WHERE status <> 'decommissioned'`,
    ),
  ]);
  // node_exporter's labels fill what the inventory leaves empty (the inventory wins where both say something)
  const missing = servers.filter((s) => !s.os || !s.os_version || !s.bios_version || !s.manufacturer);
  const labels = await agentFacts(ctx, missing);
  let fromAgents = 0;
  const filled = servers.map((s) => {
    const f = labels.get(s.id);
    if (!f) return s;
    const next = {
      ...s,
      os: s.os || f.os,
      os_version: s.os_version || (s.os ? (s.os === f.os ? f.os_version : null) : f.os_version),
      manufacturer: s.manufacturer || f.manufacturer,
      model: s.model || f.model,
      bios_version: s.bios_version || f.bios_version,
    };
    if (JSON.stringify(next) !== JSON.stringify(s)) fromAgents++;
    return next;
  });
  return {
    assets: [
      ...filled.map((s) => ({ ...s, kind: 'server' as const })),
      ...vms.map((x) => ({ ...x, kind: 'vm' as const })),
      ...network.map((x) => ({ ...x, kind: 'network_device' as const })),
      ...storage.map((x) => ({ ...x, kind: 'storage_system' as const })),
    ],
    fromAgents,
  };
}

async function loadCatalogue(ctx: ServiceContext): Promise<CatalogueRow[]> {
  const rows = await ctx.db.all<{
    id: number;
    vuln_id: string;
    severity: string;
    known_exploited: number;
    due_date: string | null;
    affected: string;
  }>(
    sql`SELECT id, vuln_id, severity, known_exploited, due_date, affected FROM vulnerabilities WHERE affected <> '[]'`,
  );
  return rows.map((r) => ({
    ...r,
    known_exploited: !!r.known_exploited,
    affected: JSON.parse(r.affected) as OsvAffected[],
  }));
}

const keyOf = (f: { vulnerability_id: number; asset_kind: string; asset_id: number; component: string }) =>
  `${f.vulnerability_id}|${f.asset_kind}|${f.asset_id}|${f.component}`;

/**
 * Match the whole inventory against the catalogue and bring the findings up to date: a new match is a new open
 * finding; a finding that matches again keeps its first_seen (and an accepted one stays accepted); one that no
 * longer matches (upgraded, removed) is marked fixed; a fixed one that matches again reopens. Runs as the
 * platform (every zone); the answer counts only what the caller may see.
 */
export async function scanInventory(ctx: ServiceContext) {
  const platform: ServiceContext = { ...ctx, actor: null, system: true };
  const [{ assets, fromAgents }, catalogue] = await Promise.all([loadAssets(platform), loadCatalogue(platform)]);
  const matches: (Match & { asset_kind: string; asset_id: number })[] = [];
  for (const a of assets) {
    for (const m of matchComponents(componentsOf(a), catalogue))
      matches.push({ ...m, asset_kind: a.kind, asset_id: a.id });
  }
  const existing = await ctx.db.all<{
    id: number;
    vulnerability_id: number;
    asset_kind: string;
    asset_id: number;
    component: string;
    status: string;
  }>(sql`SELECT id, vulnerability_id, asset_kind, asset_id, component, status FROM vulnerability_findings`);
  const byKey = new Map(existing.map((f) => [keyOf(f), f]));
  const now = new Date().toISOString();
  const statements: Statement[] = [];
  const seen = new Set<string>();
  for (const m of matches) {
    const key = keyOf(m);
    if (seen.has(key)) continue;
    seen.add(key);
    const prev = byKey.get(key);
    const values = {
      installed_version: m.installed_version,
      fixed_version: m.fixed_version,
      severity: m.severity,
      due_date: m.due_date,
      last_seen: now,
    };
    if (!prev) {
      statements.push(
        ctx.db.insert(vulnerabilityFindings).values({
          vulnerability_id: m.vulnerability_id,
          asset_kind: m.asset_kind,
          asset_id: m.asset_id,
          component: m.component,
          status: 'open',
          first_seen: now,
          ...values,
        }) as unknown as Statement,
      );
    } else {
      const reopen = prev.status === 'fixed' ? { status: 'open', resolved_at: null } : {};
      statements.push(
        ctx.db
          .update(vulnerabilityFindings)
          .set({ ...values, ...reopen, updated_at: now })
          .where(sql`id = ${prev.id}`) as unknown as Statement,
      );
    }
  }
  for (const f of existing) {
    if (seen.has(keyOf(f)) || f.status === 'fixed') continue;
    statements.push(
      ctx.db
        .update(vulnerabilityFindings)
        .set({ status: 'fixed', resolved_at: now, updated_at: now })
        .where(sql`id = ${f.id}`) as unknown as Statement,
    );
  }
  for (let i = 0; i < statements.length; i += 50) await runBatch(ctx.db, statements.slice(i, i + 50));

  const scope = findingScope(ctx, 'f');
  const [counts] = await runBatch(ctx.db, [
    ctx.db.all<{ open: number; new: number; fixed: number }>(
      sql`SELECT coalesce(sum(f.status = 'open'), 0) AS open, coalesce(sum(f.first_seen = ${now}), 0) AS new,
                 coalesce(sum(f.status = 'fixed' AND f.resolved_at = ${now}), 0) AS fixed
          FROM vulnerability_findings f WHERE ${scope}`,
    ),
  ]);
  return {
    scanned_assets: assets.length,
    open: counts[0]?.open ?? 0,
    new: counts[0]?.new ?? 0,
    fixed: counts[0]?.fixed ?? 0,
    agent_labels_used: fromAgents,
  };
}
