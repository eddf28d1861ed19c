// Disk failure risk from one drive's SMART attributes: pure, no imports but its trained weights, so that the
// Worker, telemetry ingest and the command line (`npm run -s ai:disk`) run this very file. Trained by
// scripts/ai/disk-train.mjs on Backblaze's drive stats; judged across drive models by bench/ai/disk.mjs.
//
// Drive models report different attributes, some only raw counts, some only the vendor's normalised value, so the
// features mean the same whatever is present: for each error counter, "has it ever counted" and log(1 + count),
// the count read from the raw value or, when there is none, bounded below from how far the normalised value has
// fallen from where it starts (100, or 200 / 253 on vendors that start there): it only falls once the counter
// counts. An attribute that is absent adds nothing (no evidence either way): a missing-value indicator would
// learn which drive model a row came from, not whether the drive fails.
//
// Deliberately not features: power-on hours and anything that grows with age (load cycles, LBAs written). In the
// training data a failed drive's row is its last day, sometime in the year, and a healthy drive's is the last day
// of the year, so failed drives look months younger than the survivors whatever their health (bench/ai/disk.mjs
// shows it). Nor temperature: hotter drives failed more in one training model and not at all in the other, and
// with it the model trained on one missed most failures of the other (its heat is on another scale).
import defaultModel from './disk-model.json' with { type: 'json' };

/** One attribute as smartctl reports it: `normalized` is the vendor's 1–253 "value" column. */
export interface SmartValue {
  raw?: number;
  normalized?: number;
  worst?: number;
  thresh?: number;
}
/** Attributes by id (5, 187, ...); any may be missing, and any of their values. */
export type SmartAttrs = Partial<Record<number, SmartValue>>;

export interface DiskModel {
  version: 1;
  /** log-odds weights by feature name (see diskFeatures); features without a weight are not used */
  weights: Record<string, number>;
  bias: number;
  /** risk at or above which a drive is at risk: chosen on the training drives only */
  threshold: number;
  /** how the threshold was chosen, and on what, for whoever reads the model file */
  operating_point?: { fpr_target: number; train_fpr: number; train_recall: number };
  trained_on?: { file: string; drives: number; failed: number }[];
}

export interface Evidence {
  attribute: number;
  /** the value the feature was read from */
  value: number;
  source: 'raw' | 'normalized';
  /** what it added to the log-odds of failure (natural log: +0.7 roughly doubles the odds) */
  contribution: number;
  why: string;
}

export interface DiskRisk {
  /** estimated probability that a drive looking like this is failing, calibrated on the training fleet */
  risk: number;
  at_risk: boolean;
  /** the attributes that moved the risk, largest push first */
  evidence: Evidence[];
  /** the key error counters (5, 187, 197, 198) the drive did not report: the risk knows nothing of them */
  unknown: number[];
}

interface Counter {
  id: number;
  name: string;
  /** why it matters, in an operator's words */
  meaning: string;
}

/** The error counters the model reads, with what a non-zero count means. */
export const COUNTERS: readonly Counter[] = [
  { id: 5, name: 'reallocated sectors', meaning: 'drives that have had to reallocate sectors fail far more often' },
  {
    id: 187,
    name: 'reported uncorrectable errors',
    meaning: 'reads the drive could not correct, a sign of failing media',
  },
  {
    id: 188,
    name: 'command timeouts',
    meaning: 'commands that timed out, often cabling or the controller, sometimes the drive',
  },
  { id: 197, name: 'pending sectors', meaning: 'unreadable sectors waiting to be remapped' },
  { id: 198, name: 'offline uncorrectable sectors', meaning: "sectors the drive's own surface scan could not read" },
  { id: 184, name: 'end-to-end errors', meaning: 'data corrupted between the cache and the media' },
  { id: 183, name: 'SATA downshifts / runtime bad blocks', meaning: 'link speed drops or blocks gone bad in use' },
  { id: 189, name: 'high-fly writes', meaning: 'heads writing outside their normal flying height' },
  { id: 10, name: 'spin-up retries', meaning: 'the motor needed more than one try to spin up' },
  { id: 196, name: 'reallocation events', meaning: 'times the drive had to remap sectors' },
];
const KEY_COUNTERS = [5, 187, 197, 198];

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Where a vendor's normalised value starts on a healthy drive: 100 on most, 200 or 253 on some. A value just
 * under one of these has fallen from it.
 */
const pristine = (v: number) => (v <= 100 ? 100 : v <= 200 ? 200 : 253);

/**
 * A raw event count. Seagate packs three 16-bit counters into the 48-bit raw of command timeouts (188), and any
 * counter's raw past 32 bits can only be packed words: those are added up, not read as billions of events.
 */
function rawCount(id: number, raw: number): number {
  if (raw < (id === 188 ? 65536 : 2 ** 32)) return Math.max(0, raw);
  let sum = 0;
  for (let v = raw; v >= 1; v = Math.floor(v / 65536)) sum += v % 65536;
  return sum;
}

export interface CounterReading {
  count: number;
  value: number;
  source: 'raw' | 'normalized';
}

/** An error counter's count: exact from the raw value, else a lower bound from the normalised value's fall. */
export function counterReading(id: number, v: SmartValue | undefined): CounterReading | undefined {
  if (!v) return undefined;
  if (finite(v.raw)) return { count: rawCount(id, v.raw), value: v.raw, source: 'raw' };
  if (finite(v.normalized)) {
    return { count: Math.max(0, pristine(v.normalized) - v.normalized), value: v.normalized, source: 'normalized' };
  }
  return undefined;
}

/** counterReading's count alone, -1 when unknown: the scorer runs on millions of rows, so no object per counter. */
function countOf(id: number, v: SmartValue | undefined): number {
  if (!v) return -1;
  if (finite(v.raw)) return rawCount(id, v.raw);
  if (finite(v.normalized)) return Math.max(0, pristine(v.normalized) - v.normalized);
  return -1;
}

const KEYS = COUNTERS.map(({ id }) => ({ id, any: `any_${id}`, log: `log_${id}`, key: KEY_COUNTERS.includes(id) }));

/**
 * The model's inputs: per counter `any_<id>` (0/1) and `log_<id>` (ln(1 + count)); 0 for a missing one. A model
 * weight on any other name is ignored.
 */
export function diskFeatures(attrs: SmartAttrs): Record<string, number> {
  const x: Record<string, number> = {};
  for (const k of KEYS) {
    const count = countOf(k.id, attrs[k.id]);
    x[k.any] = count > 0 ? 1 : 0;
    x[k.log] = count > 0 ? Math.log1p(count) : 0;
  }
  return x;
}

export function diskRisk(attrs: SmartAttrs, model: DiskModel = defaultModel as DiskModel): DiskRisk {
  let z = model.bias;
  const evidence: Evidence[] = [];
  const unknown: number[] = [];
  for (const k of KEYS) {
    const count = countOf(k.id, attrs[k.id]);
    if (count < 0 && k.key) unknown.push(k.id);
    // a zero count is zero on both features: nothing to add
    if (count <= 0) continue;
    const contribution = (model.weights[k.any] ?? 0) + (model.weights[k.log] ?? 0) * Math.log1p(count);
    if (contribution === 0) continue;
    z += contribution;
    const reading = counterReading(k.id, attrs[k.id])!;
    evidence.push({
      attribute: k.id,
      value: reading.value,
      source: reading.source,
      contribution: Math.round(contribution * 1000) / 1000,
      why: explain(k.id, reading, contribution),
    });
  }
  evidence.sort((a, b) => b.contribution - a.contribution);
  const risk = 1 / (1 + Math.exp(-z));
  return { risk, at_risk: risk >= model.threshold, evidence, unknown };
}

function explain(id: number, r: CounterReading, contribution: number): string {
  const odds = `${contribution > 0 ? 'raises' : 'lowers'} the odds of failure ×${Math.exp(Math.abs(contribution)).toFixed(1)}`;
  const c = COUNTERS.find((k) => k.id === id)!;
  const seen =
    r.source === 'normalized'
      ? `normalised ${r.value}, down from ${pristine(r.value)} (at least ${r.count} counted)`
      : r.count !== r.value
        ? `raw ${r.value} (${r.count} counted, in packed 16-bit words)`
        : `raw ${r.value}`;
  return `${c.name} (${id}) ${seen}: ${c.meaning}; ${odds}`;
}

/** A sample as the ingest decoders give it (worker/telemetry/samples.ts ParsedSample has this shape). */
export interface LabelledSample {
  metric?: string;
  labels: Record<string, string>;
  value: number;
}

const SMARTCTL_METRIC = 'smartctl_device_attribute';
const SMARTCTL_TYPES: Record<string, keyof SmartValue> = {
  raw: 'raw',
  value: 'normalized',
  worst: 'worst',
  thresh: 'thresh',
};

/**
 * smartctl_exporter's `smartctl_device_attribute{device, attribute_id, attribute_value_type}` samples, grouped
 * by the `device` label ("" when there is none): value type "value" is the normalised value. Samples of other
 * metrics, or without an id or a known value type, are skipped.
 */
export function attrsFromSmartctl(samples: Iterable<LabelledSample>): Map<string, SmartAttrs> {
  const drives = new Map<string, SmartAttrs>();
  for (const s of samples) {
    if (s.metric !== undefined && s.metric !== SMARTCTL_METRIC) continue;
    const id = Number(s.labels.attribute_id);
    const field = SMARTCTL_TYPES[s.labels.attribute_value_type ?? ''];
    if (!Number.isInteger(id) || id < 1 || id > 255 || !field || !finite(s.value)) continue;
    const device = s.labels.device ?? '';
    let attrs = drives.get(device);
    if (!attrs) drives.set(device, (attrs = {}));
    (attrs[id] ??= {})[field] = s.value;
  }
  return drives;
}

const COLUMN = /^smart_(\d{1,3})_(raw|normali[sz]ed)$/;
const FIELDS: Record<string, keyof SmartValue> = {
  raw: 'raw',
  normalized: 'normalized',
  normalised: 'normalized',
  value: 'normalized',
  worst: 'worst',
  thresh: 'thresh',
};

const toNumber = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;

/**
 * Attributes from plain JSON: `{ "5": { "raw": 24, "normalized": 100 } }` and/or Backblaze's column names
 * `{ "smart_5_raw": 24, "smart_5_normalized": 100 }`; numbers or numeric strings. Anything else is ignored.
 */
export function attrsFromJson(json: unknown): SmartAttrs {
  const attrs: SmartAttrs = {};
  if (!json || typeof json !== 'object') return attrs;
  const put = (id: number, field: keyof SmartValue | undefined, v: unknown) => {
    const n = toNumber(v);
    if (!field || !Number.isInteger(id) || id < 1 || id > 255 || !Number.isFinite(n)) return;
    (attrs[id] ??= {})[field] = n;
  };
  for (const [key, v] of Object.entries(json)) {
    const column = COLUMN.exec(key);
    if (column) put(Number(column[1]), FIELDS[column[2]!], v);
    else if (/^\d{1,3}$/.test(key) && v && typeof v === 'object') {
      for (const [f, fv] of Object.entries(v)) put(Number(key), FIELDS[f], fv);
    }
  }
  return attrs;
}
