// Rollups in D1 equal the raw ring for every acknowledged sample: across restarts of the rack object, for late,
// backfilled, duplicated and re-delivered batches; and the per-sample observer seam sees each accepted sample once.
import { env } from 'cloudflare:workers';
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IngestSample, RackMeta } from '../../durable-objects/rack-telemetry';
import type { SampleObserver } from '../../durable-objects/telemetry/observers';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { adminToken, api, apiToken, estate, eventually, ingestJson, uniqueName, type Row } from '../helpers';

const SLOT = 10_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
let nextRack = 950_000;

function freshRack(): { stub: ReturnType<typeof rackTelemetry>; meta: RackMeta } {
  const meta: RackMeta = {
    rack_id: nextRack++,
    datacenter_id: 950_000,
    name: uniqueName('R'),
    zone: 'Internal',
    power_capacity_kw: 10,
  };
  return { stub: rackTelemetry(env, meta.rack_id), meta };
}

interface StoredRollup {
  server_id: number;
  step_s: number;
  bucket_start: number;
  count: number;
  sum: number;
}

async function storedRollups(rackId: number): Promise<StoredRollup[]> {
  const { results } = await env.DB.prepare(
    'SELECT server_id, step_s, bucket_start, count, sum FROM metric_rollups WHERE rack_id = ? ORDER BY server_id, step_s, bucket_start',
  )
    .bind(rackId)
    .all<StoredRollup>();
  return results;
}

describe('rollups survive a restart of the rack object (the reported loss)', () => {
  let admin: string;
  let ingest: string;
  beforeAll(async () => {
    admin = await adminToken();
    ingest = await apiToken(admin, ['ingest']);
  });

  it('two batches 10 s apart from the hour 3 h ago: step=60 counts and D1 hold all 120 samples', async () => {
    const { rack, servers } = await estate(admin, 1);
    const stub = rackTelemetry(env, rack.id);
    const h = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    const batch = (first: number) =>
      Array.from({ length: 60 }, (_, i) => ({
        server: servers[0].id,
        metric: 'cpu_pct',
        value: first + i,
        ts: h + (first + i) * SLOT,
      }));
    expect((await ingestJson(ingest, batch(0))).status).toBe(200);
    // the first batch's rollups reach D1 on the alarm (run now, unless it fired already), which then waits a
    // minute before the next flush
    await runDurableObjectAlarm(stub);
    await eventually(async () => (await storedRollups(rack.id)).filter((r) => r.step_s === 60).length === 10);
    expect((await ingestJson(ingest, batch(60))).status).toBe(200);
    // the object is torn down before that next flush: its memory is gone, its storage (and alarm) is not
    await abortAllDurableObjects();
    const restarted = rackTelemetry(env, rack.id);
    expect(await runDurableObjectAlarm(restarted)).toBe(true);

    const rows = await storedRollups(rack.id);
    const minutes = rows.filter((r) => r.step_s === 60);
    expect(minutes).toHaveLength(20);
    expect(minutes.every((m) => m.count === 6)).toBe(true);
    // values are 0..119: sum 7140, in one hour bucket
    expect(rows.filter((r) => r.step_s === 3600)).toEqual([
      { server_id: servers[0].id, step_s: 3600, bucket_start: h, count: 120, sum: 7140 },
    ]);

    const q = (step: string) =>
      api(
        `/api/metrics/servers?server_id=${servers[0].id}&metric=cpu_pct&from=${h}&to=${h + 20 * MINUTE - 1}&step=${step}`,
        { token: admin },
      );
    const raw = await q('10');
    expect(raw.status, raw.text).toBe(200);
    expect(raw.body[0].points).toHaveLength(120);
    const perMinute = (await q('60')).body[0].points as Row[];
    expect(perMinute.reduce((n, p) => n + p.count, 0)).toBe(120);
    // nothing pending, and a second flush changes nothing (replacing rows is idempotent)
    expect((await restarted.stats()).rollups_pending).toBe(0);
    await restarted.flush(Date.now());
    expect(await storedRollups(rack.id)).toEqual(rows);
  });
});

interface Op {
  kind: 'ingest' | 'redeliver' | 'flush' | 'evict';
  samples: { series: number; slot: number; offset: number; value: number }[];
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>('ingest', 'ingest', 'ingest', 'redeliver', 'flush', 'evict'),
  samples: fc.array(
    fc.record({
      series: fc.integer({ min: 0, max: 2 }),
      // two hours of 10 s slots: late, backfilled and out-of-order samples across minutes and hours
      slot: fc.integer({ min: 0, max: 719 }),
      offset: fc.integer({ min: 0, max: SLOT - 1 }),
      value: fc.integer({ min: -1000, max: 1000 }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
});

describe('rollups equal the ring (property)', () => {
  it('random late, backfilled, duplicated and re-delivered batches with flushes and evictions in between', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        const { stub, meta } = freshRack();
        const h = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
        // the model of the ring: per (series, slot) the sample with the newest timestamp (a tie: the later write)
        const ring = new Map<string, { series: number; ts: number; value: number }>();
        const sent: IngestSample[][] = [];
        const toSample = (s: Op['samples'][number]): IngestSample => ({
          server_id: s.series + 1,
          metric: 'power_w',
          labels: {},
          ts: h + s.slot * SLOT + s.offset,
          value: s.value,
        });
        const apply = async (batch: IngestSample[]) => {
          expect((await stub.ingest(meta, batch)).accepted).toBe(batch.length);
          for (const s of batch) {
            const k = `${s.server_id}/${Math.floor(s.ts / SLOT)}`;
            const old = ring.get(k);
            if (!old || s.ts >= old.ts) ring.set(k, { series: s.server_id!, ts: s.ts, value: s.value });
          }
        };
        for (const op of ops) {
          if (op.kind === 'flush') await stub.flush(Date.now());
          else if (op.kind === 'evict') {
            await stub.stats(); // make sure it runs, so there is something to evict
            await evictDurableObject(stub);
          } else if (op.kind === 'redeliver' && sent.length) await apply(sent[op.samples[0].slot % sent.length]);
          else {
            const batch = op.samples.map(toSample);
            sent.push(batch);
            await apply(batch);
          }
        }
        await stub.flush(Date.now());

        const expected = new Map<string, StoredRollup>();
        for (const r of ring.values()) {
          for (const [step, width] of [
            [60, MINUTE],
            [3600, HOUR],
          ] as const) {
            const start = Math.floor(r.ts / width) * width;
            const k = `${r.series}/${step}/${start}`;
            const e = expected.get(k) ?? { server_id: r.series, step_s: step, bucket_start: start, count: 0, sum: 0 };
            e.count++;
            e.sum += r.value;
            expected.set(k, e);
          }
        }
        const want = [...expected.values()].sort(
          (a, b) => a.server_id - b.server_id || a.step_s - b.step_s || a.bucket_start - b.bucket_start,
        );
        expect(await storedRollups(meta.rack_id)).toEqual(want);
        expect((await stub.stats()).rollups_pending).toBe(0);
      }),
      { numRuns: 12 },
    );
  });
});

/** Records what it sees, and keeps its own state in the object's storage (the persisted-state hook). */
class CountingObserver implements SampleObserver {
  readonly name = 'counter';
  private sql: SqlStorage | null = null;
  constructor(private readonly seen: [string, number, number][]) {}
  init(sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS observed (series_id INTEGER NOT NULL, ts INTEGER NOT NULL)');
    this.sql = sql;
  }
  observe(series: { id: number; key: string }, ts: number, value: number) {
    this.seen.push([series.key, ts, value]);
    this.sql!.exec('INSERT INTO observed (series_id, ts) VALUES (?, ?)', series.id, ts);
  }
}

describe('per-sample observers', () => {
  it('see each accepted sample exactly once, in order, never a refused one, and persist with the batch', async () => {
    const { stub, meta } = freshRack();
    const now = Date.now();
    // fill the rack to its series limit (5,000), so a sample of a new series is refused
    const full = Array.from({ length: 5000 }, (_, i) => ({
      server_id: 1,
      metric: 'm',
      labels: { n: String(i) },
      ts: now - 60_000,
      value: i,
    }));
    await stub.ingest(meta, full);
    const seen: [string, number, number][] = [];
    await runInDurableObject(stub, (instance) => instance.registerObserver(new CountingObserver(seen)));
    const batch: IngestSample[] = [
      { server_id: 1, metric: 'm', labels: { n: '7' }, ts: now, value: 1 },
      { server_id: 1, metric: 'new', labels: {}, ts: now, value: 2 }, // refused: the rack is full
      { server_id: 1, metric: 'm', labels: { n: '8' }, ts: now, value: 3 },
    ];
    expect(await stub.ingest(meta, batch)).toMatchObject({ accepted: 2, rejected: 1 });
    expect(seen).toEqual([
      ['1|m|n="7"', now, 1],
      ['1|m|n="8"', now, 3],
    ]);
    // the observer's own table committed with the samples
    const stored = await runInDurableObject(
      stub,
      (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM observed').one().n,
    );
    expect(stored).toBe(2);
    // a restart rebuilds memory from the ring without replaying samples to observers
    await evictDurableObject(stub);
    await runInDurableObject(stub, (instance) =>
      instance.registerObserver({ name: 'after', observe: (s, ts, v) => seen.push([s.key, ts, v]) }),
    );
    expect((await stub.latest([1])).values.length).toBe(5000);
    expect(seen).toHaveLength(2);
    // 5,000 series filled in one batch, as in telemetry-rack-do.test.ts
  }, 15_000);
});
