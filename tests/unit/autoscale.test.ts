// The autoscaling decision, by hand: thresholds, bounds, cooldown, no data, replicas outside the bounds.
import { describe, expect, it } from 'vitest';
import { decide, type PolicyRule } from '../../worker/virtualization/autoscale-decision';

const p: PolicyRule = {
  metric: 'cpu_pct',
  window_min: 5,
  scale_out_above: 70,
  scale_in_below: 30,
  min_replicas: 2,
  max_replicas: 6,
  step: 2,
  cooldown_s: 300,
};

describe('decide', () => {
  it('scales out above the threshold by its step, capped at the maximum', () => {
    expect(decide(p, 3, 85.25, null)).toEqual({
      action: 'scale_out',
      replicas: 5,
      reason: 'cpu_pct avg 5 min 85.3 > 70.0: 3 → 5',
    });
    expect(decide(p, 5, 85, 600).replicas).toBe(6); // 5 + 2 capped at 6
    expect(decide(p, 6, 85, 600)).toMatchObject({ action: 'hold', reason: expect.stringMatching(/maximum of 6/) });
  });

  it('scales in below the threshold, never under the minimum', () => {
    expect(decide(p, 5, 12, 301)).toEqual({
      action: 'scale_in',
      replicas: 3,
      reason: 'cpu_pct avg 5 min 12.0 < 30.0: 5 → 3',
    });
    expect(decide(p, 3, 12, 301).replicas).toBe(2);
    expect(decide(p, 2, 12, 301)).toMatchObject({ action: 'hold', reason: expect.stringMatching(/minimum of 2/) });
  });

  it('holds between the thresholds, on the thresholds themselves, and without data', () => {
    expect(decide(p, 4, 50, null)).toEqual({
      action: 'hold',
      replicas: 4,
      reason: 'cpu_pct avg 5 min 50.0 within 30.0–70.0',
    });
    expect(decide(p, 4, 70, null).action).toBe('hold');
    expect(decide(p, 4, 30, null).action).toBe('hold');
    expect(decide(p, 4, null, null)).toMatchObject({
      action: 'hold',
      reason: 'no cpu_pct samples from the nodes in the last 5 min',
    });
  });

  it('waits out the cooldown after its last action, saying how long is left', () => {
    expect(decide(p, 3, 90, 120)).toMatchObject({
      action: 'hold',
      replicas: 3,
      reason: expect.stringMatching(/cooling down \(180 s left\)/),
    });
    expect(decide(p, 3, 90, 300).action).toBe('scale_out');
  });

  it('brings replicas scaled by hand outside the bounds back within them first, whatever the metric', () => {
    expect(decide(p, 1, null, 10)).toMatchObject({ action: 'scale_out', replicas: 2 });
    expect(decide(p, 9, 99, 10)).toMatchObject({ action: 'scale_in', replicas: 6 });
  });
});
