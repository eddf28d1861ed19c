// Server failure risk (worker/ai/server-risk.ts): stated chances per kind of evidence, combined as independent
// causes, checked by hand.
import { describe, expect, it } from 'vitest';
import { serverDisks, serverRisk, type ServerFacts } from '../../worker/ai/server-risk';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const quiet: ServerFacts = {
  health: 'healthy',
  purchase_date: '2024-01-01',
  warranty_expires: '2029-01-01',
  latest: [],
  temp: { hours: 168, hours_above: 0, max: 24 },
  fan_min_24h: 4000,
  alerts_30d: { critical: 0, warning: 0 },
};
const m = (metric: string, value: number, labels: Record<string, string> = {}) => ({ metric, value, labels });

describe('serverRisk', () => {
  it('has no risk without evidence, and says warranty without counting it', () => {
    expect(serverRisk(quiet, NOW)).toMatchObject({ risk: 0, level: 'none', evidence: [] });
    const lapsed = serverRisk({ ...quiet, warranty_expires: '2025-01-01' }, NOW);
    expect(lapsed.risk).toBe(0);
    expect(lapsed.evidence).toEqual([
      {
        factor: 'warranty',
        weight: 0,
        detail: 'out of warranty since 2025-01-01: a failure is a purchase, not a call',
      },
    ]);
  });

  it('combines uncorrectable memory errors and a stopped fan: 1 − 0.5 × 0.75 = 0.625, high', () => {
    const r = serverRisk(
      { ...quiet, latest: [m('node_edac_uncorrectable_errors_total', 2), m('fan_rpm', 0, { fan: '2' })] },
      NOW,
    );
    expect(r.risk).toBe(0.63);
    expect(r.level).toBe('high');
    expect(r.evidence.map((e) => [e.factor, e.weight])).toEqual([
      ['memory', 0.5],
      ['fan', 0.25],
    ]);
  });

  it('counts a warm week up to 0.2 and a pass of the allowable limit: 1 − 0.8 × 0.9 = 0.28, medium', () => {
    const r = serverRisk({ ...quiet, temp: { hours: 168, hours_above: 30, max: 33 } }, NOW);
    expect(r.risk).toBe(0.28);
    expect(r.level).toBe('medium');
    expect(r.evidence[0]!.detail).toBe('inlet above 27 °C in 30 of the last 168 hours (max 33 °C)');
  });

  it('reads disks from smartctl_exporter series and scores them with the disk model', () => {
    const smart = (id: string, type: string, value: number) =>
      m('smartctl_device_attribute', value, { device: 'sda', attribute_id: id, attribute_value_type: type });
    const latest = [smart('5', 'raw', 24), smart('187', 'raw', 0), smart('197', 'raw', 0), smart('198', 'raw', 0)];
    const disks = serverDisks(latest);
    expect(disks).toHaveLength(1);
    expect(disks[0]).toMatchObject({ device: 'sda', at_risk: true });
    expect(disks[0]!.evidence[0]!.attribute).toBe(5);
    const r = serverRisk({ ...quiet, latest }, NOW);
    expect(r.evidence.map((e) => [e.factor, e.weight])).toEqual([['disk', 0.3]]);
    expect(r.risk).toBe(0.3);
    // the plain form: smart_<id>_raw series with a device label
    expect(serverDisks([m('smart_5_raw', 24, { device: 'nvme0' })])[0]).toMatchObject({
      device: 'nvme0',
      at_risk: true,
    });
    expect(serverDisks([m('smart_5_raw', 0, { device: 'nvme0' })])[0]!.at_risk).toBe(false);
  });

  it('adds age past five years, alerts and reported health', () => {
    // 8.9 years old: 0.03 × 3.9 = 0.12; two critical alerts 0.1; health warning 0.1 → 1 − 0.88 × 0.9 × 0.9
    const r = serverRisk(
      { ...quiet, purchase_date: '2018-01-01', alerts_30d: { critical: 2, warning: 0 }, health: 'warning' },
      NOW,
    );
    expect(r.evidence.map((e) => [e.factor, e.weight])).toEqual([
      ['age', 0.12],
      ['alerts', 0.1],
      ['health', 0.1],
    ]);
    expect(r.risk).toBe(Math.round((1 - 0.88 * 0.9 * 0.9) * 100) / 100);
  });
});
