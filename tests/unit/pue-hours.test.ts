// PUE hour by hour in a DatacenterLive object (worker/telemetry/pue-hours.ts): readings summed per hour, an hour
// closed by the next one's first reading or by time, late and non-live readings left out.
import { describe, expect, it } from 'vitest';
import { addReading, closeStale, type PueState } from '../../worker/telemetry/pue-hours';

const H = 3_600_000;
const T = 1_800_000_000_000 - (1_800_000_000_000 % H);
const empty: PueState = { open: null, pending: [] };

describe('addReading', () => {
  it('sums an hour and closes it when the next hour begins', () => {
    // 13 kW over 10 kW (1.3), then 14 over 10 (1.4): the hour's PUE is 27 / 20 = 1.35, min 1.3, max 1.4
    let s = addReading(empty, T + 60_000, 13, 10, T + 60_000);
    s = addReading(s, T + 120_000, 14, 10, T + 120_000);
    expect(s.open).toMatchObject({ start: T, count: 2, facility_sum: 27, it_sum: 20 });
    expect(s.open!.pue_min).toBeCloseTo(1.3, 12);
    expect(s.open!.pue_max).toBeCloseTo(1.4, 12);
    s = addReading(s, T + H + 1, 12, 10, T + H + 1);
    expect(s.pending.map((h) => h.start)).toEqual([T]);
    expect(s.open).toMatchObject({ start: T + H, count: 1 });
  });
  it('leaves out readings of a closed hour, far from now, or without IT power', () => {
    const s = addReading(empty, T + H, 12, 10, T + H);
    expect(addReading(s, T + 10, 12, 10, T + H)).toBe(s); // an hour already closed
    expect(addReading(empty, T, 12, 10, T + 11 * 60_000)).toBe(empty); // backfill, not live
    expect(addReading(empty, T, 12, 0, T)).toBe(empty); // no IT power reported
  });
});

describe('closeStale', () => {
  it('closes an hour once it has been over for the live window', () => {
    const s = addReading(empty, T, 12, 10, T);
    expect(closeStale(s, T + H + 5 * 60_000)).toBe(s);
    expect(closeStale(s, T + H + 10 * 60_000).pending).toHaveLength(1);
  });
});
