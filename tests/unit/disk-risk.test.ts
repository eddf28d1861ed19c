// Disk failure risk (worker/ai/disk-risk.ts): the arithmetic by hand on a small model, the shipped model on drives
// whose verdict is plain, and the two input mappings (smartctl_exporter samples, plain JSON / Backblaze columns).
import { describe, expect, it } from 'vitest';
import {
  attrsFromJson,
  attrsFromSmartctl,
  counterReading,
  diskFeatures,
  diskRisk,
  type DiskModel,
} from '../../worker/ai/disk-risk';
import shipped from '../../worker/ai/disk-model.json';

const CLEAN = { 5: { raw: 0 }, 187: { raw: 0 }, 188: { raw: 0 }, 197: { raw: 0 }, 198: { raw: 0 } };

describe('features', () => {
  it('reads a count from raw, else from how far the normalised value fell from where it starts', () => {
    expect(counterReading(5, { raw: 24, normalized: 100 })).toEqual({ count: 24, value: 24, source: 'raw' });
    // Seagate's 187 normalised is 100 − count
    expect(counterReading(187, { normalized: 97 })).toEqual({ count: 3, value: 97, source: 'normalized' });
    // vendors whose value starts at 200 or 253
    expect(counterReading(5, { normalized: 200 })!.count).toBe(0);
    expect(counterReading(5, { normalized: 198 })!.count).toBe(2);
    expect(counterReading(5, { normalized: 253 })!.count).toBe(0);
    expect(counterReading(5, {})).toBeUndefined();
    expect(counterReading(5, undefined)).toBeUndefined();
  });

  it("adds up Seagate's packed 16-bit command-timeout words instead of reading billions", () => {
    // 4295032833 = 1·2³² + 1·2¹⁶ + 1
    expect(counterReading(188, { raw: 4295032833 })!.count).toBe(3);
    expect(counterReading(188, { raw: 65537 })!.count).toBe(2);
    expect(counterReading(5, { raw: 65537 })!.count).toBe(65537);
  });

  it('gives any_<id> and log_<id> per counter, zero for a missing one', () => {
    const x = diskFeatures({ 5: { raw: 24 }, 187: { normalized: 97 } });
    expect(x.any_5).toBe(1);
    expect(x.log_5).toBeCloseTo(Math.log(25), 12);
    expect(x.any_187).toBe(1);
    expect(x.log_187).toBeCloseTo(Math.log(4), 12);
    expect(x.any_197).toBe(0);
    expect(x.log_197).toBe(0);
  });
});

describe('diskRisk by hand', () => {
  const model: DiskModel = {
    version: 1,
    bias: -4,
    weights: { any_5: 1, log_5: 0.5, any_187: 1, log_187: 1 },
    threshold: 0.1,
  };

  it('24 reallocated sectors: odds e⁻⁴ · e · 25^½ = 5e⁻³, risk 5 / (e³ + 5)', () => {
    const r = diskRisk({ 5: { raw: 24, normalized: 100 } }, model);
    expect(r.risk).toBeCloseTo(5 / (Math.exp(3) + 5), 12); // 0.1993
    expect(r.at_risk).toBe(true);
    expect(r.evidence).toHaveLength(1);
    const [e] = r.evidence;
    expect(e).toMatchObject({ attribute: 5, value: 24, source: 'raw', contribution: 2.609 }); // 1 + ln 5
    expect(e!.why).toBe(
      'reallocated sectors (5) raw 24: drives that have had to reallocate sectors fail far more often; ' +
        'raises the odds of failure ×13.6',
    );
    expect(r.unknown).toEqual([187, 197, 198]);
  });

  it('normalised 187 at 97 counts as three uncorrectable errors: risk 4 / (e³ + 4)', () => {
    const r = diskRisk({ 187: { normalized: 97 } }, model);
    expect(r.risk).toBeCloseTo(4 / (Math.exp(3) + 4), 12); // 0.1661
    expect(r.evidence[0]).toMatchObject({ attribute: 187, value: 97, source: 'normalized', contribution: 2.386 });
    expect(r.evidence[0]!.why).toMatch(
      /^reported uncorrectable errors \(187\) normalised 97, down from 100 \(at least 3 counted\): /,
    );
  });

  it("Seagate's packed command timeouts are explained as the count they hold", () => {
    const r = diskRisk({ 188: { raw: 4295032833 } }, { ...model, weights: { log_188: 1 } });
    expect(r.risk).toBeCloseTo(4 / (Math.exp(4) + 4), 12);
    expect(r.evidence[0]!.why).toMatch(
      /^command timeouts \(188\) raw 4295032833 \(3 counted, in packed 16-bit words\): /,
    );
  });

  it('no counter counting: the bias alone, no evidence, not at risk', () => {
    const r = diskRisk(CLEAN, model);
    expect(r.risk).toBeCloseTo(1 / (1 + Math.exp(4)), 12);
    expect(r.at_risk).toBe(false);
    expect(r.evidence).toEqual([]);
    expect(r.unknown).toEqual([]);
  });

  it('evidence is ordered by how much it pushed', () => {
    const r = diskRisk({ 5: { raw: 1 }, 187: { raw: 50 } }, model);
    expect(r.evidence.map((e) => e.attribute)).toEqual([187, 5]);
  });
});

describe('the shipped model', () => {
  it('was trained with its operating point on the training drives', () => {
    expect(shipped.operating_point.train_fpr).toBeLessThanOrEqual(0.05);
    expect(shipped.threshold).toBeGreaterThan(0);
    expect(shipped.threshold).toBeLessThan(1);
    for (const w of Object.values(shipped.weights)) expect(w).toBeGreaterThanOrEqual(0);
  });

  it('a drive with every error counter at zero is low risk', () => {
    const r = diskRisk(CLEAN);
    expect(r.risk).toBeLessThan(0.01);
    expect(r.at_risk).toBe(false);
    expect(r.evidence).toEqual([]);
  });

  it('reallocated sectors raise the risk and the evidence names attribute 5', () => {
    const clean = diskRisk(CLEAN).risk;
    const r = diskRisk({ ...CLEAN, 5: { raw: 24 } });
    expect(r.risk).toBeGreaterThan(3 * clean);
    expect(r.at_risk).toBe(true);
    expect(r.evidence[0]!.attribute).toBe(5);
    expect(r.evidence[0]!.contribution).toBeGreaterThan(0);
    expect(r.evidence[0]!.why).toMatch(/^reallocated sectors \(5\) raw 24: /);
  });

  it('more errors, more risk; a failing drive is at risk', () => {
    const some = diskRisk({ 5: { raw: 8 }, 187: { raw: 0 } }).risk;
    const many = diskRisk({ 5: { raw: 2000 }, 187: { raw: 40 }, 197: { raw: 16 }, 198: { raw: 16 } });
    expect(many.risk).toBeGreaterThan(some);
    expect(many.risk).toBeGreaterThan(0.3);
    expect(many.at_risk).toBe(true);
    expect(many.evidence.map((e) => e.attribute)).toEqual(expect.arrayContaining([5, 187]));
  });

  it('nothing reported at all: the clean-drive risk, and it says what it did not see', () => {
    const r = diskRisk({});
    expect(r.risk).toBeCloseTo(diskRisk(CLEAN).risk, 12);
    expect(r.at_risk).toBe(false);
    expect(r.unknown).toEqual([5, 187, 197, 198]);
  });

  it('normalised-only drives are read too', () => {
    const r = diskRisk({ 5: { normalized: 100 }, 187: { normalized: 90 }, 197: { normalized: 100 } });
    expect(r.at_risk).toBe(true);
    expect(r.evidence[0]!.attribute).toBe(187);
    expect(r.unknown).toEqual([198]);
  });
});

describe('input mappings', () => {
  it("smartctl_exporter's samples, grouped by device; value is the normalised value", () => {
    const s = (device: string, id: string, type: string, value: number, metric = 'smartctl_device_attribute') => ({
      metric,
      value,
      labels: { device, attribute_id: id, attribute_name: 'x', attribute_value_type: type },
    });
    const drives = attrsFromSmartctl([
      s('sda', '5', 'raw', 24),
      s('sda', '5', 'value', 100),
      s('sda', '5', 'worst', 100),
      s('sda', '5', 'thresh', 10),
      s('sda', '194', 'raw', 31),
      s('sdb', '187', 'value', 97),
      s('sdb', '187', 'bogus', 1),
      s('sdb', 'x', 'raw', 1),
      s('sdb', '5', 'raw', 1, 'smartctl_device_temperature'),
    ]);
    expect([...drives.keys()]).toEqual(['sda', 'sdb']);
    expect(drives.get('sda')).toEqual({ 5: { raw: 24, normalized: 100, worst: 100, thresh: 10 }, 194: { raw: 31 } });
    expect(drives.get('sdb')).toEqual({ 187: { normalized: 97 } });
    expect(diskRisk(drives.get('sda')!).evidence[0]!.attribute).toBe(5);
  });

  it('plain JSON by id, and Backblaze column names, numbers or numeric strings', () => {
    expect(attrsFromJson({ 5: { raw: 24, normalized: 100 }, '187': { value: '97' } })).toEqual({
      5: { raw: 24, normalized: 100 },
      187: { normalized: 97 },
    });
    expect(
      attrsFromJson({
        serial_number: 'ZA1',
        smart_5_raw: 24,
        smart_5_normalized: '100',
        smart_197_raw: '',
        smart_9_normalised: 80,
        smart_999_raw: 1,
      }),
    ).toEqual({ 5: { raw: 24, normalized: 100 }, 9: { normalized: 80 } });
    expect(attrsFromJson(null)).toEqual({});
    expect(attrsFromJson([1, 2])).toEqual({});
  });
});
