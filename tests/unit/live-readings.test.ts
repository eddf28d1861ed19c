import { describe, expect, it } from 'vitest';
import { LIVE_MAX_AGE_MS, rackReadings, serverReadings, type LatestRow } from '../../web/lib/live/readings';

const now = 1_750_000_000_000;
const row = (server_id: number | null, rack_id: number, metric: string, value: number, age = 0): LatestRow => ({
  server_id,
  rack_id,
  metric,
  value,
  ts: now - age,
});

describe('live list readings', () => {
  it("a rack's power is its PDU when metered, else the sum of its servers; the inlet is the hottest", () => {
    const rows = [
      row(1, 10, 'power_w', 350),
      row(2, 10, 'power_w', 450),
      row(1, 10, 'inlet_temp_c', 22.5),
      row(2, 10, 'inlet_temp_c', 24.25),
      row(null, 20, 'power_kw', 3.2),
      row(3, 20, 'power_w', 999),
      row(null, 20, 'inlet_temp_c', 21),
    ];
    const r = rackReadings(rows, now);
    expect(r.get(10)).toEqual({ power_kw: 0.8, inlet_max_c: 24.25 });
    expect(r.get(20)).toEqual({ power_kw: 3.2, inlet_max_c: 21 });
    expect(r.get(30)).toBeUndefined();
  });

  it('readings older than five minutes are not live', () => {
    const rows = [row(1, 10, 'power_w', 350, LIVE_MAX_AGE_MS + 1), row(1, 10, 'inlet_temp_c', 20, LIVE_MAX_AGE_MS)];
    expect(rackReadings(rows, now).get(10)).toEqual({ power_kw: null, inlet_max_c: 20 });
    expect(serverReadings(rows, now).get(1)).toEqual({ power_w: null, inlet_temp_c: 20 });
  });

  it("a server's draw adds its PSUs; rack-level rows are not servers", () => {
    const rows = [row(1, 10, 'power_w', 200), row(1, 10, 'power_w', 180), row(null, 10, 'power_kw', 5)];
    const s = serverReadings(rows, now);
    expect(s.get(1)).toEqual({ power_w: 380, inlet_temp_c: null });
    expect(s.size).toBe(1);
  });
});
