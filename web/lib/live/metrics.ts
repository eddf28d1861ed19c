// What the telemetry metrics are called, in which unit they are shown and how their values are formatted.
// The names themselves are defined once in worker/telemetry/metric-names.ts.
import { RACK_METRICS, SERVER_METRICS, type MetricName } from '../../../worker/telemetry/metric-names';
import { fmtBps, fmtKw, fmtNum, fmtPct, fmtRpm, fmtTemp, fmtW } from '$lib/format';

export type { MetricName };

export interface MetricInfo {
  label: string;
  short: string;
  unit: string;
  format: (v: number | null | undefined) => string;
  /** a fixed value axis (percentages) */
  domain?: [number, number];
}

export const METRICS: Record<MetricName, MetricInfo> = {
  cpu_pct: { label: 'CPU utilisation', short: 'CPU', unit: '%', format: fmtPct, domain: [0, 100] },
  mem_pct: { label: 'Memory used', short: 'Memory', unit: '%', format: fmtPct, domain: [0, 100] },
  disk_pct: { label: 'Disk used', short: 'Disk', unit: '%', format: fmtPct, domain: [0, 100] },
  net_in_bps: { label: 'Network in', short: 'Net in', unit: 'b/s', format: fmtBps },
  net_out_bps: { label: 'Network out', short: 'Net out', unit: 'b/s', format: fmtBps },
  power_w: { label: 'Power draw', short: 'Power', unit: 'W', format: fmtW },
  inlet_temp_c: { label: 'Inlet temperature', short: 'Inlet', unit: '°C', format: fmtTemp },
  outlet_temp_c: { label: 'Outlet temperature', short: 'Outlet', unit: '°C', format: fmtTemp },
  fan_rpm: { label: 'Fan speed', short: 'Fans', unit: 'rpm', format: fmtRpm },
  power_kw: { label: 'Rack power', short: 'Power', unit: 'kW', format: fmtKw },
  humidity_pct: { label: 'Relative humidity', short: 'Humidity', unit: '%', format: fmtPct, domain: [0, 100] },
  facility_power_kw: { label: 'Facility power', short: 'Facility', unit: 'kW', format: fmtKw },
};

export { SERVER_METRICS, RACK_METRICS };

export function metricInfo(name: string): MetricInfo {
  return METRICS[name as MetricName] ?? { label: name, short: name, unit: '', format: (v) => fmtNum(v, 2) };
}

/** A value older than this is shown greyed as stale. */
export const STALE_MS = 60_000;

/** Colours of many series on one chart (servers of a rack), readable in both themes. */
export const SERIES_COLORS = [
  'var(--chart-1)',
  'var(--chart-2)',
  'var(--chart-3)',
  'var(--chart-4)',
  'var(--chart-5)',
  '#0ea5e9',
  '#84cc16',
  '#d946ef',
  '#eab308',
  '#14b8a6',
  '#f43f5e',
  '#6366f1',
  '#a3a3a3',
  '#22c55e',
  '#fb923c',
  '#8b5cf6',
];
export const seriesColor = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length];
