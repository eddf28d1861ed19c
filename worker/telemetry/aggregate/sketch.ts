/**
 * A log-bucket quantile sketch (the DDSketch idea): values fall into buckets whose bounds grow by a factor
 * gamma, so any quantile is answered within ALPHA relative error from counts alone. Adding is O(1) and two
 * sketches merge by adding counts, which is what lets 1-minute buckets combine into 5-minute and 1-hour windows
 * without keeping (or rescanning) the raw samples.
 */
export const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LN_GAMMA = Math.log(GAMMA);
/** |values| below this count as zero (sensor noise around 0 would otherwise spread over thousands of buckets) */
const MIN_MAGNITUDE = 1e-9;

export type SketchJSON = { z: number; p: [number, number][]; n: [number, number][] };

export class QuantileSketch {
  /** bucket index -> count, for positive and (mirrored) negative values */
  private pos = new Map<number, number>();
  private neg = new Map<number, number>();
  private zeros = 0;
  count = 0;

  add(v: number, weight = 1): void {
    this.count += weight;
    if (Math.abs(v) < MIN_MAGNITUDE) {
      this.zeros += weight;
      return;
    }
    const side = v > 0 ? this.pos : this.neg;
    const k = Math.ceil(Math.log(Math.abs(v)) / LN_GAMMA);
    side.set(k, (side.get(k) ?? 0) + weight);
  }

  merge(other: QuantileSketch): void {
    this.count += other.count;
    this.zeros += other.zeros;
    for (const [k, c] of other.pos) this.pos.set(k, (this.pos.get(k) ?? 0) + c);
    for (const [k, c] of other.neg) this.neg.set(k, (this.neg.get(k) ?? 0) + c);
  }

  /** The value at quantile q (0..1), by the nearest-rank rule, within ALPHA relative error. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    // ascending order: most negative first (largest mirrored index), then zeros, then positives
    const negKeys = [...this.neg.keys()].sort((a, b) => b - a);
    for (const k of negKeys) {
      seen += this.neg.get(k)!;
      if (seen >= rank) return -representative(k);
    }
    seen += this.zeros;
    if (seen >= rank) return 0;
    const posKeys = [...this.pos.keys()].sort((a, b) => a - b);
    for (const k of posKeys) {
      seen += this.pos.get(k)!;
      if (seen >= rank) return representative(k);
    }
    return representative(posKeys[posKeys.length - 1] ?? 0);
  }

  toJSON(): SketchJSON {
    return { z: this.zeros, p: [...this.pos], n: [...this.neg] };
  }

  static fromJSON(j: SketchJSON): QuantileSketch {
    const s = new QuantileSketch();
    s.zeros = j.z;
    s.pos = new Map(j.p);
    s.neg = new Map(j.n);
    s.count = j.z + j.p.reduce((a, [, c]) => a + c, 0) + j.n.reduce((a, [, c]) => a + c, 0);
    return s;
  }
}

/** The middle of bucket k, (gamma^(k-1), gamma^k], that is at most ALPHA away from any value in it. */
const representative = (k: number) => (2 * Math.pow(GAMMA, k)) / (GAMMA + 1);
