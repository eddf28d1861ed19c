// Pure telemetry logic with hand-checked numbers: the quantile sketch, rolling windows over minute buckets,
// rebucketing of rollups, the automatic step, and the rack/datacenter summaries.
import { describe, expect, it } from 'vitest';
import { ALPHA, QuantileSketch } from '../../worker/telemetry/aggregate/sketch';
import { SeriesWindows } from '../../worker/telemetry/aggregate/series-windows';
import { autoStep, combineSources, rebucket } from '../../worker/telemetry/series-math';
import { summarizeRack } from '../../worker/telemetry/rack-summary';
import { summarizeDatacenter } from '../../worker/telemetry/datacenter-summary';

const near = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(ALPHA);

describe('QuantileSketch', () => {
  it('answers quantiles of 1..100 within 1 % (nearest rank: p95 = 95, p50 = 50)', () => {
    const s = new QuantileSketch();
    for (let i = 1; i <= 100; i++) s.add(i);
    near(s.quantile(0.95), 95);
    near(s.quantile(0.5), 50);
    near(s.quantile(1), 100);
    near(s.quantile(0.01), 1);
  });

  it('handles zeros and negatives in order, and merges by adding counts', () => {
    const a = new QuantileSketch();
    [-10, -5, 0, 0].forEach((v) => a.add(v));
    const b = new QuantileSketch();
    [5, 10, 20, 40].forEach((v) => b.add(v));
    a.merge(b);
    expect(a.count).toBe(8);
    near(a.quantile(0.125), -10); // rank 1
    expect(a.quantile(0.375)).toBe(0); // rank 3
    near(a.quantile(1), 40);
    near(QuantileSketch.fromJSON(JSON.parse(JSON.stringify(a))).quantile(0.75), 10); // rank 6 of -10 -5 0 0 5 10 20 40
  });
});

describe('SeriesWindows', () => {
  it('keeps 1-minute and 1-hour buckets and merges minutes into rolling windows', () => {
    const w = new SeriesWindows();
    const m = 1_800_000_000_000 - (1_800_000_000_000 % 3_600_000) + 10 * 60_000; // 10 min into an hour
    // minute m-2: 5; minute m-1: 50; minute m: 10, 20, 30, 40, 100
    w.add(m - 120_000, 5);
    w.add(m - 60_000 + 5_000, 50);
    [10, 20, 30, 40].forEach((v, i) => w.add(m + i * 1000, v));
    w.add(m + 9_000, 100);
    const now = m + 30_000;
    expect(w.window('1m', now)).toMatchObject({ count: 5, min: 10, max: 100, avg: 40, last: 100 });
    const five = w.window('5m', now)!;
    expect(five).toMatchObject({ count: 7, min: 5, max: 100, last: 100 });
    expect(five.avg).toBeCloseTo(255 / 7, 10);
    near(five.p95, 100);
    expect(w.hours.get(m - 10 * 60_000)).toMatchObject({ count: 7, sum: 255 });
    // a sample arriving late does not become "last"
    w.add(m - 200_000, 1);
    expect(w.last).toBe(100);
    w.prune(m, m);
    expect([...w.minutes.keys()]).toEqual([m]);
  });
});

describe('series math', () => {
  it('rebuckets minute aggregates exactly (p95 as the upper bound of the parts)', () => {
    const pts = rebucket(
      [
        { ts: 0, count: 2, sum: 10, min: 4, max: 6, last: 6, p95: 6 },
        { ts: 60_000, count: 1, sum: 9, min: 9, max: 9, last: 9, p95: 9 },
        { ts: 300_000, count: 4, sum: 4, min: 1, max: 1, last: 1, p95: 1 },
      ],
      300_000,
    );
    expect(pts).toEqual([
      { ts: 0, avg: 19 / 3, min: 4, max: 9, p95: 9, last: 9, count: 3 },
      { ts: 300_000, avg: 1, min: 1, max: 1, p95: 1, last: 1, count: 4 },
    ]);
  });

  it('picks the finest step within ~720 points', () => {
    expect(autoStep(3_600_000)).toBe(10); // 1 h → 360 points
    expect(autoStep(86_400_000)).toBe(300); // 24 h → 288
    expect(autoStep(7 * 86_400_000)).toBe(900); // 7 d → 672
    expect(autoStep(30 * 86_400_000)).toBe(3600); // 30 d → 720
    expect(autoStep(3_600_000, 60)).toBe(60);
  });

  it('counts an hour once: from its 1-hour rollup, not again from minutes', () => {
    const agg = (ts: number, v: number) => ({ ts, count: 1, sum: v, min: v, max: v, last: v, p95: v });
    const out = combineSources([agg(0, 1)], [agg(60_000, 2), agg(3_600_000, 3)], [agg(3_600_000, 4)]);
    expect(out).toEqual([agg(0, 1), agg(3_600_000, 4)]);
  });
});

describe('summaries', () => {
  const meta = { rack_id: 1, datacenter_id: 2, name: 'R1', zone: 'Internal', power_capacity_kw: 10 };
  const now = 1_800_000_000_000;
  const v = (server_id: number | null, metric: string, value: number, labels = {}, age = 0) => ({
    server_id,
    metric,
    labels,
    ts: now - age,
    value,
  });

  it('takes IT power from the PDU when metered, else the servers; ignores stale and part-level series', () => {
    const servers = [v(1, 'power_w', 300), v(2, 'power_w', 450, { job: 'node' }), v(3, 'power_w', 999, {}, 600_000)];
    const fromServers = summarizeRack(
      meta,
      [...servers, v(1, 'inlet_temp_c', 22), v(2, 'inlet_temp_c', 25.5)],
      10,
      now,
    );
    expect(fromServers).toMatchObject({
      power_kw: 0.75,
      power_source: 'servers',
      inlet_temp_c: 25.5,
      servers_reporting: 2,
    });
    const fromPdu = summarizeRack(
      meta,
      [...servers, v(null, 'power_kw', 0.9), v(1, 'fan_rpm', 1, { fan: '2' })],
      10,
      now,
    );
    expect(fromPdu).toMatchObject({ power_kw: 0.9, power_source: 'pdu' });
  });

  it('computes PUE only from metered facility and IT power, and ranks the hottest racks', () => {
    const rack = (id: number, power: number, inlet: number, age = 0) => ({
      ...summarizeRack(
        { ...meta, rack_id: id, name: `R${id}` },
        [v(null, 'power_kw', power), v(null, 'inlet_temp_c', inlet)],
        1,
        now,
      ),
      ts: now - age,
    });
    const racks = [rack(1, 4, 22), rack(2, 6, 27.5), rack(3, 100, 40, 600_000)];
    const dc = summarizeDatacenter(2, racks, { ts: now, value: 14 }, now);
    expect(dc).toMatchObject({ it_power_kw: 10, facility_power_kw: 14, pue: 1.4, racks_reporting: 2 });
    expect(dc.hottest.map((h) => h.rack_id)).toEqual([2, 1]);
    expect(summarizeDatacenter(2, racks, { ts: now - 600_000, value: 14 }, now).pue).toBeNull();
    // a viewer who sees rack 1 only: its totals are rack 1's, the PUE stays the site's (14 / (4 + 6))
    const partial = summarizeDatacenter(2, [racks[0]], { ts: now, value: 14 }, now, racks);
    expect(partial).toMatchObject({ it_power_kw: 4, site_it_power_kw: 10, pue: 1.4, racks_reporting: 1 });
    expect(partial.hottest.map((h) => h.rack_id)).toEqual([1]);
  });
});
