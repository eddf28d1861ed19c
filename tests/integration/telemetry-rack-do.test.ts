// The rack Durable Object itself: aggregates against hand-computed values, the ring's bound, acknowledged
// samples surviving an eviction, rollups landing in D1 (and late samples re-flushing their bucket whole).
import { env } from 'cloudflare:workers';
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { IngestSample, RackMeta } from '../../durable-objects/rack-telemetry';
import { ALPHA } from '../../worker/telemetry/aggregate/sketch';
import { eventually, uniqueName } from '../helpers';

const MINUTE = 60_000;
const HOUR = 3_600_000;
let nextRack = 900_000;

/** A fresh object with made-up rack meta (the object never reads D1 for it). */
function rack(): {
  stub: DurableObjectStub<import('../../durable-objects/rack-telemetry').RackTelemetry>;
  meta: RackMeta;
} {
  const id = nextRack++;
  const meta: RackMeta = {
    rack_id: id,
    datacenter_id: 900_000,
    name: uniqueName('R'),
    zone: 'Internal',
    power_capacity_kw: 10,
  };
  return { stub: env.RACK_TELEMETRY.getByName(String(id)), meta };
}

const cpu = (ts: number, value: number, server_id: number | null = 7): IngestSample => ({
  server_id,
  metric: 'cpu_pct',
  labels: {},
  ts,
  value,
});

async function rollups(rackId: number, step: number) {
  const { results } = await env.DB.prepare(
    'SELECT bucket_start, count, sum, min, max, last, p95 FROM metric_rollups WHERE rack_id = ? AND step_s = ? ORDER BY bucket_start',
  )
    .bind(rackId, step)
    .all<{ bucket_start: number; count: number; sum: number; min: number; max: number; last: number; p95: number }>();
  return results;
}

describe('rack telemetry object: aggregates', () => {
  it('computes last/min/max/avg/p95 per window from what was ingested', async () => {
    const { stub, meta } = rack();
    const now = Date.now();
    const m = Math.floor(now / MINUTE) * MINUTE;
    // current minute: 10, 20, 30, 40, 100 (100 is the newest); previous minute: 50; two minutes ago: 5
    const r = await stub.ingest(meta, [
      cpu(m + 1000, 20),
      cpu(m + 4000, 100),
      cpu(m, 10),
      cpu(m + 2000, 40),
      cpu(m + 3000, 30),
      cpu(m - MINUTE + 5000, 50),
      cpu(m - 2 * MINUTE, 5),
    ]);
    expect(r).toMatchObject({ accepted: 7, rejected: 0 });
    const range = await stub.range({ server_id: 7, metrics: ['cpu_pct'], from: m - 2 * MINUTE, to: now, raw: false });
    const minutes = range[0].minutes;
    expect(minutes.map((x) => x.ts)).toEqual([m - 2 * MINUTE, m - MINUTE, m]);
    const current = minutes[2];
    expect(current).toMatchObject({ count: 5, sum: 200, min: 10, max: 100, last: 100 });
    // nearest-rank p95 of 5 values is the 5th: 100, within the sketch's relative error
    expect(Math.abs(current.p95 - 100) / 100).toBeLessThanOrEqual(ALPHA);

    const latest = await stub.latest([7]);
    expect(latest.values).toEqual([{ server_id: 7, metric: 'cpu_pct', labels: {}, ts: m + 4000, value: 100 }]);
  });

  it('keeps one raw sample per series per slot: the ring is bounded by retention / resolution', async () => {
    const { stub, meta } = rack();
    const t0 = Date.now() - HOUR;
    const stats0 = await stub.stats();
    expect(stats0.ring_slots_per_series).toBe(48 * 360);
    // a sample 48 h later lands in the same slot and replaces the old one; an older one never replaces a newer
    await stub.ingest(meta, [cpu(t0, 1)]);
    await stub.ingest(meta, [cpu(t0 + 48 * HOUR, 2)]);
    await stub.ingest(meta, [cpu(t0 + 1, 3)]);
    await stub.ingest(meta, [cpu(t0 + 10_000, 4)]);
    const stats = await stub.stats();
    expect(stats.ring_rows).toBe(2);
    expect(stats.samples_total).toBe(4);
    const raw = await stub.range({ server_id: 7, metrics: ['cpu_pct'], from: t0, to: t0 + 49 * HOUR, raw: true });
    expect(raw[0].raw).toEqual([
      [t0 + 10_000, 4],
      [t0 + 48 * HOUR, 2],
    ]);
  });

  it('refuses samples of new series beyond the per-rack series limit, and counts them', async () => {
    const { stub, meta } = rack();
    const many = Array.from({ length: 5001 }, (_, i) => ({ ...cpu(Date.now(), i), labels: { n: String(i) } }));
    const r = await stub.ingest(meta, many);
    expect(r).toMatchObject({ accepted: 5000, rejected: 1 });
    expect((await stub.stats()).series).toBe(5000);
    // 5,000 new series in one batch: each gets a series row, a ring row and its own anomaly detector
  }, 15_000);
});

describe('rack telemetry object: durability', () => {
  it('serves acknowledged samples and the same aggregates after an eviction', async () => {
    const { stub, meta } = rack();
    const now = Date.now();
    await stub.ingest(meta, [cpu(now - 20_000, 30), cpu(now - 10_000, 60), cpu(now, 90)]);
    const q = { server_id: 7, metrics: ['cpu_pct'], from: now - 5 * MINUTE, to: now + 1000, raw: false };
    const before = await stub.range(q);
    await evictDurableObject(stub);
    const after = await stub.range(q);
    expect(after).toEqual(before);
    expect((await stub.latest()).values[0]).toMatchObject({ value: 90, ts: now });
    expect((await stub.stats()).samples_total).toBe(3);
  });
});

describe('rack telemetry object: rollups to D1', () => {
  it('flushes completed minutes and hours on its alarm, and re-flushes a bucket a late sample touched', async () => {
    const { stub, meta } = rack();
    const now = Date.now();
    const m = Math.floor(now / MINUTE) * MINUTE - 3 * MINUTE;
    const h = Math.floor(now / HOUR) * HOUR - 2 * HOUR;
    await stub.ingest(meta, [
      cpu(m, 10),
      cpu(m + 10_000, 20),
      cpu(m + 20_000, 60),
      cpu(h + 5 * MINUTE, 8),
      cpu(now, 1),
    ]);
    await stub.flush(Date.now());

    const minutes = await rollups(meta.rack_id, 60);
    expect(minutes.find((r) => r.bucket_start === m)).toMatchObject({ count: 3, sum: 90, min: 10, max: 60, last: 60 });
    // the current minute is not complete: not flushed yet
    expect(minutes.find((r) => r.bucket_start === Math.floor(now / MINUTE) * MINUTE)).toBeUndefined();
    const hours = await rollups(meta.rack_id, 3600);
    expect(hours.find((r) => r.bucket_start === h)).toMatchObject({ count: 1, sum: 8, last: 8 });

    // a late sample for the flushed minute, after an eviction emptied the object's memory: the bucket is rebuilt
    // from the ring, so D1 gets all four samples, not the late one alone
    await evictDurableObject(stub);
    await stub.ingest(meta, [cpu(m + 30_000, 30)]);
    await stub.flush(Date.now());
    const again = await rollups(meta.rack_id, 60);
    expect(again.find((r) => r.bucket_start === m)).toMatchObject({ count: 4, sum: 120, min: 10, max: 60, last: 30 });
  });
});

describe('rack telemetry object: its alarm', () => {
  it('flushes completed minutes to D1 by itself once data arrives', async () => {
    const { stub, meta } = rack();
    const m = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE;
    await stub.ingest(meta, [cpu(m, 4), cpu(m + 10_000, 6)]);
    // the ingest armed the alarm; run it now rather than wait for it (it may have fired already: same outcome)
    await runDurableObjectAlarm(stub);
    // (a flush that fired by itself may still be writing to D1)
    await eventually(async () => (await rollups(meta.rack_id, 60)).some((r) => r.bucket_start === m));
    expect((await rollups(meta.rack_id, 60)).find((r) => r.bucket_start === m)).toMatchObject({ count: 2, sum: 10 });
  });
});

describe('rack telemetry object: backfill', () => {
  it('recomputes the rollups samples older than the flushed range touch (an agent sending its backlog)', async () => {
    const { stub, meta } = rack();
    const now = Date.now();
    const old = Math.floor(now / HOUR) * HOUR - 3 * HOUR; // an hour bucket and its first minute, long flushed
    await stub.ingest(meta, [cpu(old, 10), cpu(old + 10_000, 30), cpu(now, 1)]);
    await stub.flush(Date.now());
    expect((await rollups(meta.rack_id, 60)).find((r) => r.bucket_start === old)).toMatchObject({ count: 2, sum: 40 });
    // the backlog arrives: one more sample for that minute, in a later batch
    await stub.ingest(meta, [cpu(old + 20_000, 50)]);
    await stub.flush(Date.now());
    expect((await rollups(meta.rack_id, 60)).find((r) => r.bucket_start === old)).toMatchObject({
      count: 3,
      sum: 90,
      min: 10,
      max: 50,
      last: 50,
    });
    expect((await rollups(meta.rack_id, 3600)).find((r) => r.bucket_start === old)).toMatchObject({
      count: 3,
      sum: 90,
    });
    // rollups are recomputed from the ring and replace D1's rows: a restarted object counts nothing twice
    await evictDurableObject(stub);
    await stub.ingest(meta, [cpu(now + 1, 2)]);
    await stub.flush(Date.now());
    expect((await rollups(meta.rack_id, 60)).find((r) => r.bucket_start === old)!.count).toBe(3);
  });
});

describe('rollup compaction (cron)', () => {
  it('drops 1-minute rollups past their retention and keeps the 1-hour ones', async () => {
    const { compactRollups } = await import('../../worker/telemetry/rollups');
    const old = Date.now() - 8 * 86_400_000;
    await env.DB.prepare(
      `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
       VALUES (424242, 1, 'cpu_pct', '', 60, ?1, 1, 1, 1, 1, 1, ?1, 1), (424242, 1, 'cpu_pct', '', 3600, ?1, 1, 1, 1, 1, 1, ?1, 1),
              (424242, 1, 'cpu_pct', '', 60, ?2, 1, 1, 1, 1, 1, ?2, 1)`,
    )
      .bind(old, Date.now() - MINUTE)
      .run();
    await compactRollups(env.DB, Date.now(), 7 * 86_400_000, 400 * 86_400_000);
    const left = await env.DB.prepare(
      'SELECT step_s, bucket_start FROM metric_rollups WHERE rack_id = 424242 ORDER BY step_s',
    ).all<{ step_s: number; bucket_start: number }>();
    expect(left.results.map((r) => r.step_s)).toEqual([60, 3600]);
    expect(left.results.find((r) => r.step_s === 60)!.bucket_start).toBeGreaterThan(old);
  });
});
