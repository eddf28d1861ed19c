// The accepted window for ingested samples: which samples are refused, and why, without ever building a Date.
import { describe, expect, it } from 'vitest';
import { acceptWindow, describeRefusals, refusalOf, screenSamples } from '../../worker/telemetry/sample-window';
import { telemetryConfig } from '../../worker/telemetry/config';

const now = 1_750_000_000_000;
// defaults: 48 h back (172,800,000 ms), 600 s ahead (600,000 ms)
const w = acceptWindow(telemetryConfig({}), now);

describe('acceptWindow', () => {
  it('reaches back the raw retention and forward INGEST_MAX_FUTURE_SECONDS (default 600, 0 allowed)', () => {
    expect(w).toEqual({ oldest: 1_749_827_200_000, newest: 1_750_000_600_000 });
    expect(acceptWindow(telemetryConfig({ INGEST_MAX_FUTURE_SECONDS: '0' }), now).newest).toBe(now);
    expect(acceptWindow(telemetryConfig({ INGEST_MAX_FUTURE_SECONDS: '30' }), now).newest).toBe(now + 30_000);
    expect(acceptWindow(telemetryConfig({ INGEST_MAX_FUTURE_SECONDS: '-5' }), now).newest).toBe(now + 600_000);
    const oneHour = acceptWindow(telemetryConfig({ TELEMETRY_RAW_RETENTION_HOURS: '1' }), now);
    expect(oneHour.oldest).toBe(now - 3_600_000);
  });
});

describe('refusalOf', () => {
  it('accepts both edges of the window and refuses one millisecond beyond either', () => {
    expect(refusalOf({ ts: w.newest, value: 1 }, w)).toBeNull();
    expect(refusalOf({ ts: w.oldest, value: 1 }, w)).toBeNull();
    expect(refusalOf({ ts: w.newest + 1, value: 1 }, w)).toBe('too_far_in_future');
    expect(refusalOf({ ts: w.oldest - 1, value: 1 }, w)).toBe('too_old');
  });

  it('handles instants no Date can hold, NaN and fractions, and values that are not finite', () => {
    expect(refusalOf({ ts: 9.06e15, value: 1 }, w)).toBe('too_far_in_future'); // year ~287,000
    expect(refusalOf({ ts: Infinity, value: 1 }, w)).toBe('too_far_in_future');
    expect(refusalOf({ ts: -9e18, value: 1 }, w)).toBe('too_old');
    expect(refusalOf({ ts: -Infinity, value: 1 }, w)).toBe('too_old');
    expect(refusalOf({ ts: NaN, value: 1 }, w)).toBe('invalid_timestamp');
    expect(refusalOf({ ts: now + 0.5, value: 1 }, w)).toBe('invalid_timestamp');
    expect(refusalOf({ ts: now, value: NaN }, w)).toBe('non_finite_value');
    expect(refusalOf({ ts: now, value: -Infinity }, w)).toBe('non_finite_value');
    // a bad timestamp is reported before a bad value
    expect(refusalOf({ ts: NaN, value: NaN }, w)).toBe('invalid_timestamp');
  });
});

describe('screenSamples', () => {
  it('keeps the indexes inside the window and counts the rest per reason', () => {
    const r = screenSamples(
      [
        { ts: now, value: 1 },
        { ts: 9.06e15, value: 1 },
        { ts: now - 1, value: Infinity },
        { ts: w.oldest - 1, value: 1 },
        { ts: now + 60_000, value: 2 },
        { ts: 1e20, value: 3 },
      ],
      w,
    );
    expect(r.kept).toEqual([0, 4]);
    expect(r.refused).toEqual({ too_far_in_future: 2, too_old: 1, invalid_timestamp: 0, non_finite_value: 1 });
    expect(r.refusedTotal).toBe(4);
    expect(describeRefusals(r.refused)).toBe('too_far_in_future=2, too_old=1, non_finite_value=1');
    expect(describeRefusals(screenSamples([], w).refused)).toBe('');
  });
});
