import { describeInterval, isAffected, type Interval, type OsvAffected } from './ranges';
import { packageMatches, type Component } from './products';

// Inventory against the catalogue. A finding needs a version inside an OSV range or listed in `versions[]`: a
// KEV entry alone names a product but no versions, so it never makes a finding by itself (no guessing); it
// marks the finding of an OSV record aliasing the same CVE as known exploited, with CISA's due date.

export interface CatalogueRow {
  id: number;
  vuln_id: string;
  severity: string;
  known_exploited: boolean;
  due_date: string | null;
  affected: OsvAffected[];
}

export interface Match {
  vulnerability_id: number;
  component: string;
  installed_version: string;
  fixed_version: string | null;
  severity: string;
  due_date: string | null;
  interval: Interval | null;
}

export function matchComponents(components: Component[], catalogue: CatalogueRow[]): Match[] {
  const out: Match[] = [];
  for (const c of components) {
    for (const v of catalogue) {
      for (const a of v.affected) {
        if (!a.package || !packageMatches(a.package, c)) continue;
        const verdict = isAffected(c.version, a);
        if (!verdict.affected) continue;
        out.push({
          vulnerability_id: v.id,
          component: c.component,
          installed_version: c.version,
          fixed_version: verdict.interval?.fixed ?? null,
          severity: v.severity,
          due_date: v.known_exploited ? v.due_date : null,
          interval: verdict.interval,
        });
        break;
      }
    }
  }
  return out;
}

export interface ExplainInput {
  vuln_id: string;
  installed_version: string | null;
  asset_name: string | null;
  affected: OsvAffected[];
  fixed_version: string | null;
  known_exploited: boolean;
  due_date: string | null;
  status: string;
  today: string;
}

/**
 * "FortiOS 7.2.1 on fw-edge-01 is in the affected range >=7.2.0 <7.2.2 of CVE-2022-40684 (fixed in 7.2.2);
 * known exploited, due 2022-11-01". The range is re-derived from the stored record, so the sentence always
 * says what the data says.
 */
export function explainFinding(f: ExplainInput): string {
  const version = f.installed_version ?? '?';
  let where = 'is affected';
  let label = 'Version';
  for (const a of f.affected) {
    const verdict = isAffected(version, a);
    if (!verdict.affected) continue;
    label = a.package?.name ?? label;
    where = verdict.interval
      ? `is in the affected range ${describeInterval(verdict.interval)}`
      : 'is a version the record lists as affected';
    break;
  }
  const fixed = f.fixed_version ? ` (fixed in ${f.fixed_version})` : ' (no fixed version in the record)';
  const overdue = f.status === 'open' && f.due_date && f.due_date < f.today ? ', overdue' : '';
  const kev = f.known_exploited ? `; known exploited${f.due_date ? `, due ${f.due_date}${overdue}` : ''}` : '';
  return `${label} ${version} on ${f.asset_name ?? 'an asset'} ${where} of ${f.vuln_id}${fixed}${kev}`;
}
