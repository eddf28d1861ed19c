// A server's failure risk from the evidence the platform holds about it: pure (tests/unit/server-risk.test.ts).
//
// There are no labelled server failures to train on, so this is not a trained model: each kind of evidence is a
// stated chance that it precedes a failure (a prior, set by hand from what operators and vendors report: an
// uncorrectable memory error or a failed power supply matters far more than a warm week), the chances combine
// as independent causes, 1 − Π(1 − p), and the UI says so. What is learnt from data is the disk part
// (disk-risk.ts, trained on Backblaze's drive stats). Every risk lists its evidence; a server with none is "no
// evidence", not "healthy".
import { attrsFromJson, attrsFromSmartctl, diskRisk, type DiskRisk, type LabelledSample } from './disk-risk';

export interface ServerFacts {
  health: string;
  purchase_date: string | null;
  warranty_expires: string | null;
  /** the server's latest value of each series (standard and custom) */
  latest: (LabelledSample & { metric: string })[];
  /** inlet temperature, hourly, over the last 7 days: hours whose maximum passed 27 °C, and the highest */
  temp: { hours: number; hours_above: number; max: number | null };
  /** the lowest fan speed over the last day (hourly minima), null when no fan reports */
  fan_min_24h: number | null;
  /** alerts about the server that started in the last 30 days */
  alerts_30d: { critical: number; warning: number };
}

export interface RiskEvidence {
  factor: 'memory' | 'power_supply' | 'fan' | 'temperature' | 'disk' | 'age' | 'alerts' | 'health' | 'warranty';
  /** the chance this evidence adds (0 for what raises the cost of a failure, not its odds: warranty) */
  weight: number;
  detail: string;
}

export interface ServerRisk {
  risk: number;
  level: 'high' | 'medium' | 'low' | 'none';
  evidence: RiskEvidence[];
  disks: ({ device: string } & DiskRisk)[];
}

/** ASHRAE's recommended inlet range ends at 27 °C; class A1's allowable at 32 °C. */
const RECOMMENDED_C = 27;
const ALLOWABLE_C = 32;
const YEAR = 365.25 * 86_400_000;
const r2 = (v: number) => Math.round(v * 100) / 100;

/** ipmi_exporter's `ipmi_sensor_state`: 0 nominal, 1 warning, 2 critical. */
const sensorState = (latest: ServerFacts['latest'], type: RegExp) =>
  latest
    .filter((s) => s.metric === 'ipmi_sensor_state' && type.test(s.labels.type ?? ''))
    .reduce((m, s) => Math.max(m, s.value), 0);

const sumOf = (latest: ServerFacts['latest'], metric: string) =>
  latest.filter((s) => s.metric === metric).reduce((t, s) => t + s.value, 0);

/** Disks of the server from smartctl_exporter's series or plain `smart_<id>_raw|normalized{device}` ones. */
export function serverDisks(latest: ServerFacts['latest']): ({ device: string } & DiskRisk)[] {
  const drives = attrsFromSmartctl(latest.filter((s) => s.metric === 'smartctl_device_attribute'));
  const columns = new Map<string, Record<string, number>>();
  for (const s of latest) {
    if (!/^smart_\d{1,3}_(raw|normali[sz]ed)$/.test(s.metric)) continue;
    const device = s.labels.device ?? '';
    columns.set(device, { ...(columns.get(device) ?? {}), [s.metric]: s.value });
  }
  for (const [device, cols] of columns) drives.set(device, { ...(drives.get(device) ?? {}), ...attrsFromJson(cols) });
  return [...drives.entries()]
    .map(([device, attrs]) => ({ device, ...diskRisk(attrs) }))
    .sort((a, b) => b.risk - a.risk);
}

export function serverRisk(f: ServerFacts, now: number): ServerRisk {
  const evidence: RiskEvidence[] = [];
  const add = (factor: RiskEvidence['factor'], weight: number, detail: string) =>
    evidence.push({ factor, weight: r2(weight), detail });

  const ue = sumOf(f.latest, 'node_edac_uncorrectable_errors_total');
  const ce = sumOf(f.latest, 'node_edac_correctable_errors_total');
  if (ue > 0) add('memory', 0.5, `${ue} uncorrectable memory error${ue > 1 ? 's' : ''} (EDAC): a DIMM is failing`);
  if (ce > 0) {
    add(
      'memory',
      Math.min(0.25, 0.05 + 0.05 * Math.log10(ce)),
      `${ce} corrected memory errors (EDAC): a DIMM may be wearing`,
    );
  }

  const psu = sensorState(f.latest, /power supply/i);
  if (psu >= 2) add('power_supply', 0.4, 'a power supply sensor reads critical (IPMI)');
  else if (psu === 1) add('power_supply', 0.15, 'a power supply sensor reads warning (IPMI)');

  const fanState = sensorState(f.latest, /^fan$/i);
  const stopped = f.latest.filter((s) => s.metric === 'fan_rpm' && s.value === 0).length;
  if (stopped > 0 || f.fan_min_24h === 0 || fanState >= 2) {
    add(
      'fan',
      0.25,
      stopped > 0 ? `${stopped} fan${stopped > 1 ? 's' : ''} at 0 rpm now` : 'a fan stopped in the last day',
    );
  } else if (fanState === 1) add('fan', 0.1, 'a fan sensor reads warning (IPMI)');

  if (f.temp.hours_above > 0) {
    add(
      'temperature',
      Math.min(0.2, 0.01 * f.temp.hours_above),
      `inlet above ${RECOMMENDED_C} °C in ${f.temp.hours_above} of the last ${f.temp.hours} hours (max ${f.temp.max} °C)`,
    );
  }
  if (f.temp.max !== null && f.temp.max > ALLOWABLE_C) {
    add('temperature', 0.1, `inlet reached ${f.temp.max} °C, past the ${ALLOWABLE_C} °C allowable for class A1`);
  }

  const disks = serverDisks(f.latest);
  for (const d of disks.filter((x) => x.at_risk)) {
    add('disk', 0.3, `disk ${d.device || '(unnamed)'} at risk: ${d.evidence[0]?.why ?? `risk ${d.risk.toFixed(3)}`}`);
  }

  if (f.purchase_date) {
    const age = (now - Date.parse(f.purchase_date)) / YEAR;
    if (age > 5)
      add('age', Math.min(0.15, 0.03 * (age - 5)), `${age.toFixed(1)} years old: hardware past five years fails more`);
  }
  const { critical, warning } = f.alerts_30d;
  if (critical > 0)
    add('alerts', Math.min(0.2, 0.05 * critical), `${critical} critical alert${critical > 1 ? 's' : ''} in 30 days`);
  if (warning > 0)
    add('alerts', Math.min(0.05, 0.01 * warning), `${warning} warning alert${warning > 1 ? 's' : ''} in 30 days`);
  if (f.health === 'critical') add('health', 0.3, 'hardware health reported critical');
  else if (f.health === 'warning') add('health', 0.1, 'hardware health reported warning');

  if (f.warranty_expires && Date.parse(f.warranty_expires) < now) {
    add('warranty', 0, `out of warranty since ${f.warranty_expires}: a failure is a purchase, not a call`);
  }

  const risk = r2(1 - evidence.reduce((p, e) => p * (1 - e.weight), 1));
  const level = risk >= 0.4 ? 'high' : risk >= 0.15 ? 'medium' : risk > 0 ? 'low' : 'none';
  evidence.sort((a, b) => b.weight - a.weight);
  return { risk, level, evidence, disks };
}
