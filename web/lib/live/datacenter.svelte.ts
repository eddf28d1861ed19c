// Live state of one datacenter (GET /api/live/datacenters/{id}): its summary (IT power, metered facility
// power and PUE, hottest racks) and the summary of every rack the user may see, plus the sample rate and a
// short IT-power history derived from successive summaries.
import { api } from '$lib/api';
import { LiveSocket } from './socket.svelte';
import type { DatacenterMessage, DatacenterSummary, Pt, RackSummary } from './types';

/** samples/s is averaged over this window (samples arrive in bursts: the simulator pushes every 10 s) */
const RATE_WINDOW_MS = 60_000;
const RATE_MIN_SPAN_MS = 5_000;
const POWER_HISTORY_MS = 15 * 60_000;

export class DatacenterLive {
  readonly datacenterId: number;
  readonly socket: LiveSocket<DatacenterMessage>;
  summary = $state.raw<DatacenterSummary | null>(null);
  /** rack summaries by rack id (replaced on every change) */
  racks = $state.raw<Map<number, RackSummary>>(new Map());
  /** samples accepted per second over the last minute; null until five seconds of summaries are in */
  samplesPerSec = $state<number | null>(null);
  /** IT power (kW) of each summary received, for a sparkline */
  powerHistory = $state.raw<Pt[]>([]);
  updatedAt = $state<number | null>(null);

  #totals: { at: number; total: number }[] = [];

  constructor(datacenterId: number) {
    this.datacenterId = datacenterId;
    this.socket = new LiveSocket<DatacenterMessage>({
      path: `/live/datacenters/${datacenterId}`,
      onMessage: (m) => this.#apply(m),
      probe: () => api.get(`/datacenters/${datacenterId}`),
    });
    this.socket.start();
  }

  close() {
    this.socket.close();
  }

  get state() {
    return this.socket.state;
  }

  #apply(m: DatacenterMessage) {
    if (m.datacenter_id !== this.datacenterId) return;
    const next = m.type === 'dc_snapshot' ? new Map<number, RackSummary>() : new Map(this.racks);
    for (const r of m.racks) next.set(r.rack_id, r);
    this.racks = next;
    this.summary = m.summary;
    this.updatedAt = m.at;

    // samples/s from the running total; a restarted counter starts the window again
    const at = m.at || Date.now();
    const total = m.summary.samples_total;
    const last = this.#totals[this.#totals.length - 1];
    if (last && total < last.total) this.#totals = [];
    this.#totals.push({ at, total });
    while (this.#totals.length > 2 && this.#totals[0].at < at - RATE_WINDOW_MS) this.#totals.shift();
    const first = this.#totals[0];
    const span = at - first.at;
    if (span >= RATE_MIN_SPAN_MS) this.samplesPerSec = (total - first.total) / (span / 1000);

    const h = this.powerHistory.filter((p) => p.ts >= at - POWER_HISTORY_MS && p.ts < at);
    h.push({ ts: at, value: m.summary.it_power_kw });
    this.powerHistory = h;
  }
}
