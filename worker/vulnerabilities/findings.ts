import { sql } from 'drizzle-orm';
import type { ResourceDef, Row } from '../platform/http/resource';
import { anyOf } from '../platform/http/sql-match';
import { vulnerabilityFindings } from './tables';
import { ASSET_KINDS, FINDING_STATUSES, VulnerabilityFinding } from './schemas/finding';
import { SEVERITIES } from './schemas/vulnerability';
import { findingScope } from './access';
import { assetDatacenterSql, assetNameSql, assetRackSql } from './asset-sql';
import { assetLink } from './links';
import { explainFinding } from './match';
import type { OsvAffected } from './ranges';

const T = 'vulnerability_findings';
const vuln = (column: string) => `(SELECT v.${column} FROM vulnerabilities v WHERE v.id = ${T}.vulnerability_id)`;
const today = () => new Date().toISOString().slice(0, 10);
const OVERDUE = `(${T}.status = 'open' AND ${T}.due_date IS NOT NULL AND ${T}.due_date < date('now'))`;

function parseAffected(raw: unknown): OsvAffected[] {
  if (Array.isArray(raw)) return raw as OsvAffected[];
  try {
    const x = JSON.parse(String(raw ?? '[]'));
    return Array.isArray(x) ? x : [];
  } catch {
    return [];
  }
}

/** A finding as the API shows it: with its vulnerability, asset, link and the sentence that explains it. */
function present(row: Row): Row {
  const { affected_json, ...out } = row;
  out.known_exploited = !!out.known_exploited;
  out.overdue = !!out.overdue;
  out.link = assetLink(String(out.asset_kind), Number(out.asset_id));
  out.explanation = explainFinding({
    vuln_id: String(out.vuln_id ?? ''),
    installed_version: out.installed_version ?? null,
    asset_name: out.asset_name ?? null,
    affected: parseAffected(affected_json),
    fixed_version: out.fixed_version ?? null,
    known_exploited: out.known_exploited,
    due_date: out.due_date ?? null,
    status: String(out.status),
    today: today(),
  });
  return out;
}

export const findingsResource: ResourceDef = {
  path: '/vulnerabilities/findings',
  entity: 'vulnerability_finding',
  label: 'Vulnerability finding',
  tag: 'Vulnerabilities',
  table: vulnerabilityFindings,
  schemas: { output: VulnerabilityFinding },
  ops: ['list', 'get'],
  filters: {
    asset_kind: { type: 'string', values: ASSET_KINDS },
    asset_id: { type: 'int' },
    severity: { type: 'string', values: SEVERITIES },
    status: { type: 'string', values: FINDING_STATUSES },
    vulnerability_id: { type: 'int' },
    known_exploited: {
      type: 'bool',
      where: ([b]) =>
        sql`${vulnerabilityFindings.vulnerability_id} IN (SELECT id FROM vulnerabilities WHERE known_exploited = ${b ? 1 : 0})`,
    },
    overdue: {
      type: 'bool',
      description: 'Open and past the due date of a known-exploited vulnerability.',
      where: ([b]) => (b ? sql.raw(OVERDUE) : sql.raw(`NOT ${OVERDUE}`)),
    },
    datacenter_id: { type: 'int', where: (ids) => anyOf(sql.raw(assetDatacenterSql(T)) as never, ids) },
    rack_id: { type: 'int', where: (ids) => anyOf(sql.raw(assetRackSql(T)) as never, ids) },
    search: {
      type: 'string',
      description: 'Text in the vulnerability id, its title or the asset name.',
      where: ([q]) => {
        const needle = String(q).toLowerCase();
        return sql`(instr(lower(${sql.raw(vuln('vuln_id'))}), ${needle}) > 0 OR instr(lower(coalesce(${sql.raw(vuln('title'))}, '')), ${needle}) > 0 OR instr(lower(coalesce(${sql.raw(assetNameSql(T))}, '')), ${needle}) > 0)`;
      },
    },
  },
  sortable: [
    'severity_rank',
    'vuln_id',
    'asset_name',
    'asset_kind',
    'due_date',
    'first_seen',
    'last_seen',
    'status',
    'installed_version',
    'id',
  ],
  defaultSort: '-severity_rank',
  searchable: ['component', 'installed_version', 'fixed_version'],
  scope: (ctx) => findingScope(ctx, T),
  computed: () => ({
    vuln_id: sql.raw(vuln('vuln_id')),
    title: sql.raw(vuln('title')),
    known_exploited: sql.raw(vuln('known_exploited')),
    affected_json: sql.raw(vuln('affected')),
    overdue: sql.raw(OVERDUE),
    severity_rank: sql.raw(
      `(CASE ${T}.severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 WHEN 'unknown' THEN 1 ELSE 0 END)`,
    ),
    asset_name: sql.raw(assetNameSql(T)),
    rack_id: sql.raw(assetRackSql(T)),
    datacenter_id: sql.raw(assetDatacenterSql(T)),
  }),
  present,
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Vulnerabilities matched on inventory versions (POST /vulnerabilities/scan, the imports and the nightly feed run rescan). Each row explains itself and links to its asset.',
};
