import { DurableObject } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { is, Table } from 'drizzle-orm';
import wranglerToml from '../../wrangler.toml?raw';
import * as worker from '../../worker/index';
import { DOMAINS, schema } from '../../worker/domains';
import { CRON_JOBS } from '../../worker/cron';

// the same patterns as drizzle.config.ts: what drizzle-kit generates migrations from
const tableFiles = {
  ...import.meta.glob<Record<string, unknown>>('../../worker/**/tables.ts', { eager: true }),
  ...import.meta.glob<Record<string, unknown>>(['../../worker/**/tables/*.ts', '!**/index.ts'], { eager: true }),
};

describe('the domain list (worker/domains.ts)', () => {
  it('carries every table drizzle-kit sees, and nothing else', () => {
    const onDisk = new Set(Object.values(tableFiles).flatMap((m) => Object.values(m).filter((t) => is(t, Table))));
    const listed = new Set(Object.values(schema).filter((t) => is(t, Table)));
    expect(onDisk.size).toBeGreaterThan(10);
    expect([...onDisk].filter((t) => !listed.has(t))).toEqual([]);
    expect([...listed].filter((t) => !onDisk.has(t))).toEqual([]);
  });

  it('has unique names and table export names', () => {
    const names = DOMAINS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const exports = DOMAINS.flatMap((d) => Object.keys(d.tables ?? {}));
    expect(new Set(exports).size).toBe(exports.length);
  });

  it('exports every Durable Object from the Worker entry, each bound in wrangler.toml', () => {
    const objects = DOMAINS.flatMap((d) => Object.entries(d.objects ?? {}));
    const exported = Object.entries(worker).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof DurableObject,
    );
    expect(exported.length).toBeGreaterThan(0);
    expect(objects.map(([name]) => name).sort()).toEqual(exported.map(([name]) => name).sort());
    for (const [name, cls] of objects) {
      expect((worker as Record<string, unknown>)[name]).toBe(cls);
      expect(wranglerToml).toContain(`class_name = "${name}"`);
    }
  });

  it('runs every job on a Cron Trigger wrangler.toml declares', () => {
    const crons = /crons\s*=\s*\[([^\]]*)\]/
      .exec(wranglerToml)![1]
      .match(/"[^"]+"/g)!
      .map((s) => JSON.parse(s));
    expect(Object.keys(CRON_JOBS).filter((c) => !crons.includes(c))).toEqual([]);
    expect(CRON_JOBS['*/5 * * * *'].map((j) => j.name)).toEqual([
      'audit checkpoint',
      'telemetry rollup compaction',
      'budget forecasts',
    ]);
  });
});
