// NAB scorer: scores anomaly detectors on the Numenta Anomaly Benchmark data in ../shared/data/nab the way
// numenta/NAB does (nab/scorer.py for a file's score at a threshold, nab/sweeper.py + nab/optimizer.py for the
// corpus-wide threshold, nab/runner.py for the normalisation), so that our numbers can be set beside published
// NAB results. `--validate` checks this port against the per-file scores NAB itself wrote for two reference
// detectors; any drift from upstream shows up there first.
//
//   node bench/ai/nab-score.mjs --validate [--nab <dir>]
//   node bench/ai/nab-score.mjs <results-dir> [--name ours] [--nab <dir>]
//
// <results-dir> holds one CSV per data file at the data file's relative path (e.g.
// <results-dir>/realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv; NAB's own <name>_<file>.csv naming is
// accepted too), with columns timestamp,value,anomaly_score and one row per data row.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_NAB = resolve(REPO, '../shared/data/nab');
const PROBATION_PERCENT = 0.15;
const REFERENCE = ['numenta', 'windowedGaussian'];
// Standard-profile figures from the NAB scoreboard. They cover the whole 58-file NAB corpus, not only the files
// scored here, so they are for orientation only.
const PUBLISHED = { 'HTM (numenta)': 70.1, ARTime: 71.3, 'CAD OSE': 67.8, 'windowed Gaussian': 29.6 };

function readCsv(path) {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean);
  const header = lines[0].split(',').map((h) => h.trim());
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  });
}

// NAB mixes "2014-02-14 14:27:00" (data) and "2014-02-26 13:45:00.000000" (labels); compare as instants.
function parseTime(s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d+)?/.exec(String(s).trim());
  if (!m) throw new Error(`bad timestamp: ${s}`);
  const ms = Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return ms + (m[7] ? Number(m[7]) * 1000 : 0);
}

// Upstream (scorer.py) saturates only beyond 3; the sweeper's ">= 3" differs by < 1e-6 at exactly 3.
function scaledSigmoid(x) {
  return x > 3 ? -1 : 2 / (1 + Math.exp(5 * x)) - 1;
}
const MAX_TP = scaledSigmoid(-1);

// util.getProbationPeriod: 15 % of the file, capped at 15 % of 5000 rows.
export function probationPeriod(n) {
  return Math.min(Math.floor(PROBATION_PERCENT * n), PROBATION_PERCENT * 5000);
}

// Everything about a file that does not depend on the detector or profile: which window each row is in, and the
// unweighted value of a detection there (a TP's sigmoid for the window, or an FP's sigmoid relative to the closest
// preceding window, -1 with no preceding window).
function prepareFile(key, timestamps, limits) {
  const n = timestamps.length;
  const windows = limits.map(([t1, t2]) => {
    const [a, b] = [parseTime(t1), parseTime(t2)];
    let first = timestamps.findIndex((t) => t >= a);
    let last = timestamps.findLastIndex((t) => t <= b);
    if (first < 0 || last < first) [first, last] = [-1, -2]; // no rows: can only be missed
    return { first, last, length: last - first + 1 };
  });
  const windowOf = new Int32Array(n).fill(-1);
  const base = new Float64Array(n);
  windows.forEach((w, id) => windowOf.fill(id, Math.max(w.first, 0), w.last + 1));
  let prev = null;
  for (let i = 0; i < n; i++) {
    const w = windows[windowOf[i]];
    if (w) {
      base[i] = scaledSigmoid(-(w.last - i + 1) / w.length) / MAX_TP;
      if (i === w.last) prev = w;
    } else {
      // A one-row window divides by zero; upstream's numpy yields inf -> -1, as JS does here.
      base[i] = prev ? scaledSigmoid(Math.abs(prev.last - i) / (prev.length - 1)) : -1;
    }
  }
  return { key, n, timestamps, windows, windowOf, base, probation: probationPeriod(n) };
}

/** Load labels, data timestamps and profiles; the corpus is every labelled file whose data file exists. */
export function loadCorpus(nabDir = DEFAULT_NAB) {
  const labels = JSON.parse(readFileSync(join(nabDir, 'labels/combined_windows.json'), 'utf8'));
  const files = Object.keys(labels)
    .sort()
    .filter((key) => existsSync(join(nabDir, 'data', key)))
    .map((key) => {
      const times = readCsv(join(nabDir, 'data', key)).map((r) => parseTime(r.timestamp));
      return prepareFile(key, Float64Array.from(times), labels[key]);
    });
  if (!files.length) throw new Error(`no labelled data files under ${nabDir}/data`);
  const profiles = Object.fromEntries(
    Object.entries(JSON.parse(readFileSync(join(nabDir, 'profiles.json'), 'utf8'))).map(([name, p]) => [
      name,
      p.CostMatrix,
    ]),
  );
  return { nabDir, files, profiles, windowCount: files.reduce((s, f) => s + f.windows.length, 0) };
}

/** Per-file anomaly scores (Float64Array, aligned with corpus.files) from <dir>/<key> or <dir>/<cat>/<name>_<file>. */
export function loadDetections(corpus, dir, name) {
  return corpus.files.map((file) => {
    const [cat, base] = [dirname(file.key), file.key.slice(dirname(file.key).length + 1)];
    const path = [join(dir, file.key), join(dir, cat, `${name}_${base}`)].find(existsSync);
    if (!path) throw new Error(`${name}: no results for ${file.key} in ${dir}`);
    const rows = readCsv(path);
    if (rows.length !== file.n) throw new Error(`${path}: ${rows.length} rows, data has ${file.n}`);
    if (!('anomaly_score' in rows[0])) throw new Error(`${path}: no anomaly_score column`);
    rows.forEach((r, i) => {
      if (r.timestamp !== undefined && parseTime(r.timestamp) !== file.timestamps[i])
        throw new Error(`${path}: row ${i + 1} timestamp ${r.timestamp} does not match the data file`);
    });
    return Float64Array.from(rows, (r) => (r.anomaly_score === '' ? NaN : Number(r.anomaly_score)));
  });
}

/**
 * One file's score at a threshold, as scorer.py computes it: rows with score >= threshold are detections, rows in
 * the probationary period are ignored, a window counts its earliest detection (or -fnWeight if none), and every
 * detection outside windows is a false positive weighted by its distance from the preceding window. Counts are
 * rows (NAB's TP/TN/FP/FN columns); `hit` is windows detected.
 */
export function scoreFile(file, scores, threshold, cost) {
  const c = { tp: 0, tn: 0, fp: 0, fn: 0 };
  const earliest = new Array(file.windows.length).fill(null);
  let fpScore = 0;
  for (let i = file.probation; i < file.n; i++) {
    const detected = scores[i] >= threshold;
    const w = file.windowOf[i];
    if (w >= 0) {
      c[detected ? 'tp' : 'fn']++;
      if (detected && earliest[w] === null) earliest[w] = file.base[i];
    } else {
      c[detected ? 'fp' : 'tn']++;
      if (detected) fpScore += file.base[i] * cost.fpWeight;
    }
  }
  const hit = earliest.filter((v) => v !== null).length;
  const tpScore = earliest.reduce((s, v) => (v === null ? s : s + v * cost.tpWeight), 0);
  const score = tpScore + fpScore - (earliest.length - hit) * cost.fnWeight;
  return { score, ...c, hit };
}

/**
 * Corpus-wide threshold (optimizer.py with sweeper.calcScoreByThreshold): every distinct score is a candidate,
 * lowering it one group of equal scores at a time and updating the summed raw score incrementally. Ties keep the
 * higher threshold, as upstream's stable sort does. Threshold Infinity means "detect nothing".
 */
export function sweep(corpus, detections, cost) {
  const rows = [];
  const winOffset = [];
  let windows = 0;
  corpus.files.forEach((file, f) => {
    winOffset.push(windows);
    windows += file.windows.length;
    for (let i = file.probation; i < file.n; i++) if (!Number.isNaN(detections[f][i])) rows.push([f, i]);
  });
  const order = rows.map(([f, i]) => detections[f][i]);
  const idx = Uint32Array.from(rows.keys()).sort((a, b) => order[b] - order[a]);
  const windowPart = new Float64Array(windows).fill(-cost.fnWeight);
  let total = -cost.fnWeight * windows;
  let best = { threshold: Infinity, raw: total };
  for (let k = 0; k < idx.length; k++) {
    const [f, i] = rows[idx[k]];
    const file = corpus.files[f];
    const w = file.windowOf[i];
    if (w < 0) total += file.base[i] * cost.fpWeight;
    else {
      const value = file.base[i] * cost.tpWeight;
      const g = winOffset[f] + w;
      if (value > windowPart[g]) [total, windowPart[g]] = [total + value - windowPart[g], value];
    }
    const s = order[idx[k]];
    if ((k + 1 === idx.length || order[idx[k + 1]] !== s) && total > best.raw) best = { threshold: s, raw: total };
  }
  return best;
}

/** runner.normalize: 0 for the null detector (misses every window), 100 for one hitting each window's first row. */
export function normalise(raw, windowCount, cost) {
  const nul = -cost.fnWeight * windowCount;
  return (100 * (raw - nul)) / (cost.tpWeight * windowCount - nul);
}

/** Score the corpus at a threshold. */
export function corpusScore(corpus, detections, threshold, cost) {
  const perFile = corpus.files.map((file, f) => scoreFile(file, detections[f], threshold, cost));
  const sum = (k) => perFile.reduce((s, r) => s + r[k], 0);
  const raw = sum('score');
  const normalised = normalise(raw, corpus.windowCount, cost);
  return { threshold, raw, normalised, perFile, tp: sum('tp'), fp: sum('fp'), fn: sum('fn'), hit: sum('hit') };
}

/** Sweep then score, per profile. */
export function evaluate(corpus, detections) {
  return Object.fromEntries(
    Object.entries(corpus.profiles).map(([name, cost]) => {
      const { threshold } = sweep(corpus, detections, cost);
      return [name, corpusScore(corpus, detections, threshold, cost)];
    }),
  );
}

function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const width = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r) => r.map((v, c) => (c === 0 ? v.padEnd(width[c]) : v.padStart(width[c]))).join('  ');
  console.log([line(all[0]), width.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n'));
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const fmtThreshold = (t) => (Number.isFinite(t) ? String(t) : 'none');

function validate(corpus) {
  const byKey = new Map(corpus.files.map((f, i) => [f.key, i]));
  let maxDiff = 0;
  const atTheirs = new Map(); // their summed raw score at their own (whole-NAB) threshold
  for (const det of REFERENCE) {
    const dir = join(corpus.nabDir, 'results', det);
    const detections = loadDetections(corpus, dir, det);
    for (const [profile, cost] of Object.entries(corpus.profiles)) {
      const rows = readCsv(join(dir, `${det}_${profile}_scores.csv`)).filter((r) => r.File && r.File !== 'Totals');
      const out = rows.map((r) => {
        const f = byKey.get(r.File);
        if (f === undefined) throw new Error(`${det}/${profile}: ${r.File} is not in the corpus`);
        const ours = scoreFile(corpus.files[f], detections[f], Number(r.Threshold), cost);
        const diff = ours.score - Number(r.Score);
        maxDiff = Math.max(maxDiff, Math.abs(diff));
        const same = ['TP', 'TN', 'FP', 'FN'].every((k) => Number(r[k]) === ours[k.toLowerCase()]);
        return [r.File, fmt(Number(r.Score), 4), fmt(ours.score, 4), diff.toExponential(1), same ? 'yes' : 'NO'];
      });
      console.log(`\n${det} / ${profile}, their threshold ${rows[0]?.Threshold}`);
      table(['file', 'theirs', 'ours', 'diff', 'counts match'], out);
      const max = Math.max(...out.map((r) => Math.abs(Number(r[3]))));
      console.log(
        `max |diff| ${max.toExponential(1)}; files in their score file ${rows.length} of ${corpus.files.length}`,
      );
      atTheirs.set(
        `${det}/${profile}`,
        rows.reduce((s, r) => s + Number(r.Score), 0),
      );
    }
  }
  // Their thresholds were swept over all of NAB, ours over this corpus only, so ours can only score higher here.
  console.log('\nNormalised corpus scores, with our threshold sweep and at their threshold:');
  const sweepRows = REFERENCE.flatMap((det) => {
    const r = evaluate(corpus, loadDetections(corpus, join(corpus.nabDir, 'results', det), det));
    return Object.entries(r).map(([p, s]) => {
      const cost = corpus.profiles[p];
      const theirs = normalise(atTheirs.get(`${det}/${p}`), corpus.windowCount, cost);
      return [det, p, fmt(s.normalised), fmtThreshold(s.threshold), fmt(s.raw, 3), fmt(theirs)];
    });
  });
  table(['detector', 'profile', 'swept score', 'threshold', 'raw', 'at their threshold'], sweepRows);
  console.log(`\nmax per-file |diff| over both detectors and all profiles: ${maxDiff.toExponential(1)}`);
  return maxDiff <= 0.5 ? 0 : 1;
}

function report(corpus, resultsDir, name) {
  const ours = evaluate(corpus, loadDetections(corpus, resolve(resultsDir), name));
  const refs = REFERENCE.map((det) =>
    evaluate(corpus, loadDetections(corpus, join(corpus.nabDir, 'results', det), det)),
  );
  console.log(`NAB score of "${name}" on ${corpus.files.length} files, ${corpus.windowCount} windows`);
  const rows = Object.entries(ours).map(([p, s]) => [
    p,
    fmt(s.normalised),
    fmtThreshold(s.threshold),
    `${s.hit}/${corpus.windowCount}`,
    s.tp,
    s.fp,
    s.fn,
    ...refs.map((r) => fmt(r[p].normalised)),
  ]);
  table(['profile', name, 'threshold', 'windows hit', 'TP', 'FP', 'FN', ...REFERENCE], rows);
  console.log(
    '\npublished (standard profile, whole NAB corpus): ' +
      Object.entries(PUBLISHED)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  console.log('\nPer file, standard profile (raw score):');
  const std = ours.standard ?? Object.values(ours)[0];
  const ref = refs[0].standard ?? Object.values(refs[0])[0];
  table(
    ['file', name, 'numenta', 'windows'],
    corpus.files.map((f, i) => [f.key, fmt(std.perFile[i].score, 3), fmt(ref.perFile[i].score, 3), f.windows.length]),
  );
  return 0;
}

function main(argv) {
  const opt = { nab: DEFAULT_NAB, name: 'ours', validate: false, dir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--validate') opt.validate = true;
    else if (a === '--nab' || a === '--name') opt[a.slice(2)] = argv[++i];
    else if (a.startsWith('-') || opt.dir) return usage(2);
    else opt.dir = a;
  }
  if (!opt.validate && !opt.dir) return usage(2);
  const corpus = loadCorpus(resolve(opt.nab));
  return opt.validate ? validate(corpus) : report(corpus, opt.dir, opt.name);
}

function usage(code) {
  console.error(
    'usage: node bench/ai/nab-score.mjs --validate [--nab <dir>]\n' +
      '       node bench/ai/nab-score.mjs <results-dir> [--name ours] [--nab <dir>]',
  );
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`nab-score: ${err.message}`);
    process.exitCode = 2;
  }
}
