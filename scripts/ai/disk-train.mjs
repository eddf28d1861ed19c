// `npm run -s ai:disk:train [-- <csv>...]`: fits the disk failure model (worker/ai/disk-risk.ts) on Backblaze
// drive-stats CSVs (default: the two shared files, both drive models) and writes worker/ai/disk-model.json.
// bench/ai/disk.mjs trains with this very code on one drive model and tests on the other.
//
// Logistic regression on diskFeatures, unweighted so that the risk is a probability on the training fleet, with
// every weight kept ≥ 0: an error counter may only add risk. Without that constraint a counter that
// happens to be more common on the survivors of one drive model (Seagate's high-fly writes grow with age) would
// come out "protective", which no operator should be told and which does not carry to other models. Small L2.
// Fitted by projected gradient descent (Adam) from zero on the distinct feature rows: deterministic, no seed.
// The threshold is the lowest risk that flags at most 5 % of the training drives that did not fail.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COUNTERS, diskFeatures, diskRisk } from '../../worker/ai/disk-risk.ts';
import { readDrives } from './disk.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SMART_DIR = join(ROOT, '../shared/data/smart');
export const DEFAULT_FILES = ['ST4000DM000_last_day_normalised.csv', 'ST8000NM0055_last_day_raw.csv'].map((f) =>
  join(SMART_DIR, f),
);
export const FPR_TARGET = 0.05;
const L2 = 1e-4;
const STEPS = 4000;

/** Every drive of a file with a failure label: `{ attrs, failed }`. */
export async function loadDrives(file) {
  const drives = [];
  for await (const batch of readDrives(file, { ids: COUNTERS.map((c) => c.id) })) {
    for (const d of batch) {
      if (d.failure === 0 || d.failure === 1) drives.push({ attrs: d.attrs, failed: d.failure === 1 });
    }
  }
  return drives;
}

/**
 * Mean log-loss + L2/2 ‖w‖², w ≥ 0, over rows collapsed to distinct feature vectors (most drives have no error
 * at all, so a few hundred rows stand for tens of thousands). Features are scaled to unit spread for the descent
 * and the weights scaled back.
 */
function fit(drives, names) {
  const rows = new Map();
  for (const d of drives) {
    const f = diskFeatures(d.attrs);
    const x = names.map((n) => f[n] ?? 0);
    const key = x.join(',');
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { x, pos: 0, neg: 0 }));
    if (d.failed) r.pos++;
    else r.neg++;
  }
  const distinct = [...rows.values()];
  const n = drives.length;
  const scale = names.map((_, j) => {
    let s = 0;
    let s2 = 0;
    for (const r of distinct) {
      const c = r.pos + r.neg;
      s += c * r.x[j];
      s2 += c * r.x[j] * r.x[j];
    }
    const sd = Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
    return sd > 0 ? sd : 1;
  });
  const base = drives.filter((d) => d.failed).length / n;
  const theta = [Math.log(base / (1 - base)), ...names.map(() => 0)];
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  const lr = 0.05;
  for (let step = 1; step <= STEPS; step++) {
    const g = theta.map(() => 0);
    for (const r of distinct) {
      let z = theta[0];
      for (let j = 0; j < names.length; j++) z += (theta[j + 1] * r.x[j]) / scale[j];
      const p = 1 / (1 + Math.exp(-z));
      // the pos rows pull p up, the neg rows down: d/dz of their summed log-loss
      const dz = (r.pos + r.neg) * p - r.pos;
      g[0] += dz;
      for (let j = 0; j < names.length; j++) g[j + 1] += (dz * r.x[j]) / scale[j];
    }
    for (let j = 0; j < theta.length; j++) {
      const gj = g[j] / n + (j > 0 ? L2 * theta[j] : 0);
      m[j] = 0.9 * m[j] + 0.1 * gj;
      v[j] = 0.999 * v[j] + 0.001 * gj * gj;
      const mh = m[j] / (1 - 0.9 ** step);
      const vh = v[j] / (1 - 0.999 ** step);
      theta[j] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
      if (j > 0 && theta[j] < 0) theta[j] = 0;
    }
  }
  const round = (w) => Number(w.toPrecision(6));
  const weights = {};
  names.forEach((name, j) => {
    const w = round(theta[j + 1] / scale[j]);
    if (w !== 0) weights[name] = w;
  });
  return { bias: round(theta[0]), weights };
}

/**
 * The operating point: the lowest risk that flags at most `target` of the negatives, halfway to the next lower
 * risk any training drive has (so that equal feature vectors are never split by rounding).
 */
export function pickThreshold(scored, target = FPR_TARGET) {
  const sorted = [...scored].sort((a, b) => b.risk - a.risk);
  const budget = Math.floor(target * scored.filter((s) => !s.failed).length);
  let threshold = sorted[0].risk + 1e-9;
  let flagged = 0;
  for (let i = 0; i < sorted.length;) {
    // every drive of this risk is flagged together
    let j = i;
    for (; j < sorted.length && sorted[j].risk === sorted[i].risk; j++) if (!sorted[j].failed) flagged++;
    if (flagged > budget) break;
    threshold = j < sorted.length ? (sorted[i].risk + sorted[j].risk) / 2 : sorted[i].risk / 2;
    i = j;
  }
  return threshold;
}

/** Recall and false-positive rate of at_risk over labelled drives. */
export function rates(scored, flag = (s) => s.at_risk) {
  let tp = 0;
  let pos = 0;
  let fp = 0;
  let neg = 0;
  for (const s of scored) {
    if (s.failed) {
      pos++;
      if (flag(s)) tp++;
    } else {
      neg++;
      if (flag(s)) fp++;
    }
  }
  return { recall: tp / pos, fpr: fp / neg, tp, pos, fp, neg };
}

export const FEATURES = Object.keys(diskFeatures({}));

/** The whole training: fit, then the threshold on the same drives. `sets` are `{ file, drives }`. */
export function train(sets, names = FEATURES) {
  const drives = sets.flatMap((s) => s.drives);
  const { bias, weights } = fit(drives, names);
  const model = { version: 1, bias, weights, threshold: 1 };
  const scored = drives.map((d) => ({ failed: d.failed, risk: diskRisk(d.attrs, model).risk }));
  model.threshold = Number(pickThreshold(scored).toPrecision(8));
  const r = rates(scored, (s) => s.risk >= model.threshold);
  model.operating_point = {
    fpr_target: FPR_TARGET,
    train_fpr: Number(r.fpr.toFixed(4)),
    train_recall: Number(r.recall.toFixed(4)),
  };
  model.trained_on = sets.map((s) => ({
    file: basename(s.file),
    drives: s.drives.length,
    failed: s.drives.filter((d) => d.failed).length,
  }));
  return model;
}

async function main(files) {
  const sets = [];
  for (const file of files.length ? files : DEFAULT_FILES) sets.push({ file, drives: await loadDrives(file) });
  const model = train(sets);
  const out = join(ROOT, 'worker/ai/disk-model.json');
  writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
  console.error(
    `wrote ${out}: ${Object.keys(model.weights).length} weights, threshold ${model.threshold} ` +
      `(training recall ${model.operating_point.train_recall}, FPR ${model.operating_point.train_fpr})`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
