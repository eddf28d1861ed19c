import semver from 'semver';
import { compareVersions } from './version';

/** OSV's `affected[]` as stored in vulnerabilities.affected (https://ossf.github.io/osv-schema/#affected-fields). */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
export interface OsvRange {
  type: string;
  repo?: string;
  events: OsvEvent[];
}
export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  database_specific?: Record<string, unknown>;
}

/** The interval that holds a version: what an explanation quotes. */
export interface Interval {
  introduced: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export type Verdict = { affected: false } | { affected: true; interval: Interval | null; listed: boolean };

const eventVersion = (e: OsvEvent) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';

/** SEMVER ranges compare by semver when both sides are valid semver; everything else by the generic rules. */
export function comparatorFor(type: string): (a: string, b: string) => number {
  if (type !== 'SEMVER') return compareVersions;
  return (a, b) => {
    const x = semver.valid(a.replace(/^v/, ''));
    const y = semver.valid(b.replace(/^v/, ''));
    return x && y ? semver.compare(x, y) : compareVersions(a, b);
  };
}

/**
 * OSV's evaluation of one range (the schema's `IncludedInRange`): events sorted by version, "introduced: 0" lowest;
 * walking them, an introduced at or below v makes it affected, a fixed at or below v, or a last_affected below v,
 * makes it not; limits bound the whole range (v must be below one). GIT ranges need commit history: never here.
 */
export function inRange(version: string, range: OsvRange): Interval | null {
  if (range.type === 'GIT') return null;
  const cmp = comparatorFor(range.type);
  const key = (e: OsvEvent) => eventVersion(e);
  const sorted = [...range.events].sort((a, b) => {
    if (a.introduced === '0') return b.introduced === '0' ? 0 : -1;
    if (b.introduced === '0') return 1;
    return cmp(key(a), key(b));
  });
  const limits = range.events.filter((e) => e.limit !== undefined).map((e) => e.limit!);
  if (limits.length && !limits.some((l) => l === '*' || cmp(version, l) < 0)) return null;
  let hit: Interval | null = null;
  for (const e of sorted) {
    if (e.introduced !== undefined) {
      if (e.introduced === '0' || cmp(version, e.introduced) >= 0) hit = { introduced: e.introduced };
    } else if (e.fixed !== undefined) {
      if (cmp(version, e.fixed) >= 0) hit = null;
      else if (hit && !hit.fixed && !hit.last_affected) hit.fixed = e.fixed;
    } else if (e.last_affected !== undefined) {
      if (cmp(version, e.last_affected) > 0) hit = null;
      else if (hit && !hit.fixed && !hit.last_affected) hit.last_affected = e.last_affected;
    }
  }
  if (hit && limits.length) hit.limit = limits.find((l) => l === '*' || cmp(version, l) < 0);
  return hit;
}

/** OSV's `IsAffected` for one affected entry: any range, or the enumerated `versions[]`. */
export function isAffected(version: string, affected: OsvAffected): Verdict {
  for (const range of affected.ranges ?? []) {
    const interval = inRange(version, range);
    if (interval) return { affected: true, interval, listed: false };
  }
  const v = version.trim().toLowerCase();
  if ((affected.versions ?? []).some((x) => x.trim().toLowerCase() === v)) {
    return { affected: true, interval: null, listed: true };
  }
  return { affected: false };
}

/** ">=7.2.0 <7.2.2", ">=0 <=1.4.2": the interval as people read it. */
export function describeInterval(i: Interval): string {
  const upper = i.fixed ? ` <${i.fixed}` : i.last_affected ? ` <=${i.last_affected}` : '';
  const limit = i.limit && i.limit !== '*' ? ` (limit <${i.limit})` : '';
  return `>=${i.introduced}${upper}${limit}`;
}
