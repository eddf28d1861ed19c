/**
 * Prometheus text exposition format 0.0.4, written family by family (HELP and TYPE once, then its samples), as
 * `promtool check metrics` wants it.
 */
export type Labels = Record<string, string | number>;

export class Exposition {
  private readonly families = new Map<string, { help: string; type: 'gauge' | 'counter'; lines: string[] }>();

  family(name: string, type: 'gauge' | 'counter', help: string) {
    if (!this.families.has(name)) this.families.set(name, { help, type, lines: [] });
    return this;
  }

  sample(name: string, labels: Labels, value: number | null | undefined) {
    if (value === null || value === undefined || Number.isNaN(value)) return this;
    const f = this.families.get(name);
    if (!f) throw new Error(`family ${name} not declared`);
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(String(v))}"`)
      .join(',');
    f.lines.push(`${name}${l ? `{${l}}` : ''} ${formatValue(value)}`);
    return this;
  }

  toString(): string {
    let out = '';
    for (const [name, f] of this.families) {
      out += `# HELP ${name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${f.type}\n`;
      for (const line of f.lines) out += `${line}\n`;
    }
    return out;
  }
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
