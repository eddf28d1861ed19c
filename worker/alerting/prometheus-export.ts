/**
 * Our metric rules as a Prometheus rule file, written against the families GET /metrics exposes, so a Prometheus
 * that scrapes the platform can evaluate the same conditions (and `promtool check rules` accepts the file).
 * Hysteresis has no keyword in Prometheus: the usual idiom keeps a firing alert while the clear condition holds,
 * `fire or (clear and ignoring(...) ALERTS{alertname, alertstate="firing"})`. Rules Prometheus cannot express
 * from /metrics (inventory checks, a server-type scope, a metric /metrics does not expose) are listed as comments.
 */

export interface ExportRule {
  id: number;
  name: string;
  kind: string;
  enabled: boolean;
  severity: string;
  metric: string | null;
  aggregate: string;
  window_s: number;
  comparison: string;
  threshold: number;
  clear_threshold: number | null;
  for_s: number;
  keep_firing_for_s: number;
  scope_type: string;
  scope_value: string | null;
  labels: Record<string, string>;
  message: string;
  description: string | null;
}

/** An exposed family and the factor from our unit to its (base) unit. */
export type FamilyOf = (metric: string) => { family: string; factor: number } | undefined;

/** Names of what scopes refer to by id (the /metrics labels carry names). */
export interface ScopeNames {
  datacenters: Map<number, string>;
  racks: Map<number, string>;
}

const q = (s: string) => JSON.stringify(s); // a YAML double-quoted scalar is a JSON string
const duration = (s: number) => (s % 3600 === 0 && s ? `${s / 3600}h` : s % 60 === 0 && s ? `${s / 60}m` : `${s}s`);
const alertName = (r: ExportRule) => {
  const camel = r.name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return /^[A-Za-z_]/.test(camel) ? camel : `Rule${r.id}${camel}`;
};
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
// {{device}} -> the server label Prometheus has; {{value}} -> $value
const promTemplate = (template: string, r: ExportRule) =>
  template
    .replace(/\{\{\s*device\s*\}\}/g, '{{ $labels.server }}')
    .replace(/\{\{\s*rack\s*\}\}/g, '{{ $labels.rack }}')
    .replace(/\{\{\s*value\s*\}\}/g, '{{ $value | humanize }}')
    .replace(/\{\{\s*threshold\s*\}\}/g, String(r.threshold))
    .replace(/\{\{\s*metric\s*\}\}/g, r.metric ?? '')
    .replace(/\{\{\s*rule\s*\}\}/g, r.name)
    .replace(/\{\{\s*severity\s*\}\}/g, r.severity);

function selector(r: ExportRule, names: ScopeNames): string | null {
  const id = Number(r.scope_value);
  switch (r.scope_type) {
    case 'all':
      return '';
    case 'server':
      return `server_id="${escapeLabel(String(id))}"`;
    case 'rack':
      return names.racks.has(id) ? `rack="${escapeLabel(names.racks.get(id)!)}"` : null;
    case 'datacenter':
      return names.datacenters.has(id) ? `datacenter="${escapeLabel(names.datacenters.get(id)!)}"` : null;
    default:
      return null;
  }
}

export function prometheusRuleFile(rules: ExportRule[], familyOf: FamilyOf, names: ScopeNames, now: Date): string {
  const lines = [
    `# DC Platform alert rules for Prometheus, exported ${now.toISOString()} from GET /api/alert-rules/export.`,
    "# Expressions read the families of the platform's GET /metrics; check with `promtool check rules <file>`.",
  ];
  const skipped: string[] = [];
  const out: string[] = [];
  const used = new Set<string>();
  for (const r of rules) {
    if (!r.enabled) continue;
    if (r.kind !== 'metric' || !r.metric) {
      skipped.push(`${r.name}: ${r.kind} rule, evaluated by the platform itself`);
      continue;
    }
    const fam = familyOf(r.metric);
    if (!fam) {
      skipped.push(`${r.name}: /metrics does not expose ${r.metric}`);
      continue;
    }
    const sel = selector(r, names);
    if (sel === null) {
      skipped.push(`${r.name}: a ${r.scope_type} scope has no /metrics label`);
      continue;
    }
    let name = alertName(r);
    while (used.has(name)) name = `${name}${r.id}`;
    used.add(name);
    const series = `${fam.family}${sel ? `{${sel}}` : ''}`;
    const agg = (t: number) => {
      const s =
        r.aggregate === 'last' || !r.window_s ? series : `${r.aggregate}_over_time(${series}[${duration(r.window_s)}])`;
      return `${s} ${r.comparison} ${t * fam.factor}`;
    };
    const ruleLabels = { ...r.labels, severity: r.severity };
    let expr = agg(r.threshold);
    if (r.clear_threshold !== null && r.clear_threshold !== r.threshold) {
      const ignore = ['alertname', 'alertstate', ...Object.keys(ruleLabels)].join(', ');
      expr = `${expr} or (${agg(r.clear_threshold)} and ignoring(${ignore}) ALERTS{alertname="${name}", alertstate="firing"})`;
    }
    out.push(`      - alert: ${name}`, `        expr: ${q(expr)}`);
    if (r.for_s) out.push(`        for: ${duration(r.for_s)}`);
    if (r.keep_firing_for_s) out.push(`        keep_firing_for: ${duration(r.keep_firing_for_s)}`);
    out.push('        labels:');
    for (const [k, v] of Object.entries(ruleLabels)) out.push(`          ${k}: ${q(v)}`);
    out.push('        annotations:', `          summary: ${q(promTemplate(r.message, r))}`);
    if (r.description) out.push(`          description: ${q(r.description)}`);
    out.push(`          dc_platform_rule_id: ${q(String(r.id))}`);
  }
  if (skipped.length) lines.push('# Not exported:', ...skipped.map((s) => `#   ${s}`));
  lines.push('groups:', '  - name: dc-platform', out.length ? '    rules:' : '    rules: []', ...out);
  return `${lines.join('\n')}\n`;
}
