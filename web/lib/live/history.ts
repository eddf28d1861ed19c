// History from the metrics API (GET /api/metrics/servers and /api/metrics/racks): 1-minute and 1-hour rollups
// plus recent raw samples, so a series ends now.
import { api } from '$lib/api';
import type { MetricSeries } from './types';

/** The steps the API accepts (seconds). */
export const STEPS = [10, 30, 60, 300, 600, 900, 1800, 3600, 21600, 86400] as const;

export interface Range {
  key: string;
  label: string;
  ms: number;
  /** seconds per point: ~300–700 points per range */
  step: (typeof STEPS)[number];
}

export const RANGES: Range[] = [
  { key: '1h', label: '1 h', ms: 3_600_000, step: 10 },
  { key: '24h', label: '24 h', ms: 86_400_000, step: 300 },
  { key: '7d', label: '7 d', ms: 7 * 86_400_000, step: 1800 },
  { key: '30d', label: '30 d', ms: 30 * 86_400_000, step: 3600 },
];

export function serverHistory(
  serverId: number,
  metrics: readonly string[],
  from: number,
  to: number,
  step: number,
  signal?: AbortSignal,
): Promise<MetricSeries[]> {
  return api.get<MetricSeries[]>('/metrics/servers', {
    query: { server_id: serverId, metric: metrics.join(','), from, to, step },
    signal,
  });
}

export function rackHistory(
  rackId: number,
  metrics: readonly string[],
  from: number,
  to: number,
  step: number,
  signal?: AbortSignal,
): Promise<MetricSeries[]> {
  return api.get<MetricSeries[]>('/metrics/racks', {
    query: { rack_id: rackId, metric: metrics.join(','), from, to, step },
    signal,
  });
}

/** Several servers' history, a few requests at a time; a server that fails is left out. */
export async function serversHistory(
  ids: number[],
  metrics: readonly string[],
  from: number,
  to: number,
  step: number,
  concurrency = 6,
): Promise<{ rows: MetricSeries[]; failed: number }> {
  const rows: MetricSeries[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        rows.push(...(await serverHistory(id, metrics, from, to, step)));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return { rows, failed };
}
