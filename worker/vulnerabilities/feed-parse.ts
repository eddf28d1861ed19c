import { parseOrThrow } from '../platform/http/validation';
import { unprocessable } from '../platform/http/problem';
import { KevDocument, OsvRecord } from './schemas/formats';
import { cvss3BaseScore, severityOf, severityWord, SEVERITIES, type Severity } from './cvss';
import type { OsvAffected } from './ranges';

// Feed documents in, catalogue entries out: pure (no D1), so uploads, the nightly fetch and the tests share it.

export interface CatalogueEntry {
  vuln_id: string;
  aliases: string[];
  sources: string[];
  title: string | null;
  summary: string | null;
  severity: Severity;
  cvss_score: number | null;
  known_exploited: boolean;
  ransomware_use: string | null;
  vendor: string | null;
  product: string | null;
  affected: OsvAffected[];
  required_action: string | null;
  date_added: string | null;
  due_date: string | null;
  published: string | null;
  modified: string | null;
  references: string[];
}

export type FeedFormat = 'kev' | 'osv';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Which format a document is in: a KEV catalogue, one OSV record, or an array of OSV records. */
export function detectFormat(body: unknown): FeedFormat | null {
  if (Array.isArray(body)) return 'osv';
  if (!isObject(body)) return null;
  if ('vulnerabilities' in body && ('catalogVersion' in body || 'title' in body)) return 'kev';
  if ('id' in body && ('modified' in body || 'affected' in body || 'schema_version' in body)) return 'osv';
  return null;
}

/** Validate and convert a document; a 422 names the path of every bad field. */
export function parseFeedDocument(
  body: unknown,
  expected?: FeedFormat,
): { format: FeedFormat; entries: CatalogueEntry[] } {
  const format = detectFormat(body);
  if (!format || (expected && format !== expected)) {
    throw unprocessable(
      [
        {
          field: '(body)',
          message: expected
            ? `must be a ${expected === 'kev' ? 'CISA KEV catalogue' : 'OSV record or array of OSV records'}`
            : 'must be a CISA KEV catalogue (title, catalogVersion, vulnerabilities[]), an OSV record (id, modified, affected[]) or an array of OSV records',
        },
      ],
      'The document is neither a CISA KEV catalogue nor OSV records.',
    );
  }
  if (format === 'kev') return { format, entries: fromKev(parseOrThrow(KevDocument, body)) };
  const records = Array.isArray(body) ? body : [body];
  if (records.length > 5000) {
    throw unprocessable([{ field: '(body)', message: 'must hold at most 5000 OSV records' }]);
  }
  const parsed = Array.isArray(body)
    ? records.map((r, i) => parseOrThrow(OsvRecord, r, `[${i}].`))
    : [parseOrThrow(OsvRecord, body)];
  return { format, entries: mergeEntries(parsed.filter((r) => !r.withdrawn).map(fromOsv)) };
}

export function fromKev(doc: KevDocument): CatalogueEntry[] {
  return mergeEntries(
    doc.vulnerabilities.map((k) => ({
      vuln_id: k.cveID,
      aliases: [],
      sources: ['kev'],
      title: k.vulnerabilityName,
      summary: k.shortDescription,
      severity: 'unknown',
      cvss_score: null,
      known_exploited: true,
      ransomware_use: k.knownRansomwareCampaignUse ?? null,
      vendor: k.vendorProject,
      product: k.product,
      affected: [],
      required_action: k.requiredAction,
      date_added: k.dateAdded,
      due_date: k.dueDate,
      published: null,
      modified: null,
      references: (k.notes ?? '')
        .split(/[;\s]+/)
        .filter((u) => /^https?:\/\//.test(u))
        .slice(0, 20),
    })),
  );
}

/** Severity of an OSV record: its CVSS v3 vector's base score, else a severity word the database gives. */
function osvSeverity(r: OsvRecord): { severity: Severity; score: number | null } {
  for (const s of r.severity ?? []) {
    if (s.type === 'CVSS_V3') {
      const score = cvss3BaseScore(s.score);
      if (score !== null) return { severity: severityOf(score), score };
    }
  }
  const words = [r.database_specific?.severity, ...(r.affected ?? []).map((a) => a.database_specific?.severity)];
  for (const w of words) {
    const sev = severityWord(w);
    if (sev) return { severity: sev, score: null };
  }
  return { severity: 'unknown', score: null };
}

export function fromOsv(r: OsvRecord): CatalogueEntry {
  const cve = (r.aliases ?? []).find((a) => /^CVE-\d{4}-\d{4,}$/.test(a));
  const vuln_id = cve ?? r.id;
  const { severity, score } = osvSeverity(r);
  const pkg = r.affected?.find((a) => a.package)?.package;
  return {
    vuln_id,
    aliases: [...new Set([r.id, ...(r.aliases ?? [])])].filter((a) => a !== vuln_id),
    sources: [`osv:${r.id}`],
    title: r.summary ?? null,
    summary: r.details ?? r.summary ?? null,
    severity,
    cvss_score: score,
    known_exploited: false,
    ransomware_use: null,
    vendor: pkg?.ecosystem ?? null,
    product: pkg?.name ?? null,
    affected: (r.affected ?? []) as OsvAffected[],
    required_action: null,
    date_added: null,
    due_date: null,
    published: r.published ?? null,
    modified: r.modified,
    references: (r.references ?? []).map((x) => x.url).slice(0, 20),
  };
}

const union = <T>(a: T[], b: T[]) => [...new Set([...a, ...b])];
const rank = (s: string) => SEVERITIES.indexOf(s as Severity);

/**
 * One entry from two about the same CVE: KEV says whether and by when (known_exploited, due date, required
 * action, its title); OSV says which versions (affected, ranges) and how bad (CVSS). Affected packages from
 * several OSV records add up; a repeated record (same source) replaces its own packages.
 */
export function mergeEntry(a: CatalogueEntry, b: CatalogueEntry): CatalogueEntry {
  const kev = b.known_exploited ? b : a.known_exploited ? a : null;
  const affected = [...a.affected];
  for (const x of b.affected) {
    const key = JSON.stringify(x.package ?? x);
    const i = affected.findIndex((y) => JSON.stringify(y.package ?? y) === key);
    if (i >= 0) affected[i] = x;
    else affected.push(x);
  }
  const scored = b.cvss_score !== null ? b : a.cvss_score !== null ? a : null;
  const severity = scored
    ? scored.severity
    : ([a.severity, b.severity].filter((s) => s !== 'unknown').sort((x, y) => rank(x) - rank(y))[0] ?? 'unknown');
  return {
    vuln_id: a.vuln_id,
    aliases: union(a.aliases, b.aliases).filter((x) => x !== a.vuln_id),
    sources: union(a.sources, b.sources),
    title: kev?.title ?? b.title ?? a.title,
    summary: b.summary && !b.known_exploited ? b.summary : (a.summary ?? b.summary),
    severity,
    cvss_score: scored?.cvss_score ?? null,
    known_exploited: a.known_exploited || b.known_exploited,
    ransomware_use: kev?.ransomware_use ?? null,
    vendor: kev?.vendor ?? b.vendor ?? a.vendor,
    product: kev?.product ?? b.product ?? a.product,
    affected,
    required_action: kev?.required_action ?? null,
    date_added: kev?.date_added ?? null,
    due_date: kev?.due_date ?? null,
    published: b.published ?? a.published,
    modified: [a.modified, b.modified].filter(Boolean).sort().pop() ?? null,
    references: union(a.references, b.references).slice(0, 40),
  };
}

/** Entries of one document merged by CVE (two OSV records aliasing one CVE become one entry). */
export function mergeEntries(entries: CatalogueEntry[]): CatalogueEntry[] {
  const byId = new Map<string, CatalogueEntry>();
  for (const e of entries) {
    const prev = byId.get(e.vuln_id);
    byId.set(e.vuln_id, prev ? mergeEntry(prev, e) : e);
  }
  return [...byId.values()];
}
