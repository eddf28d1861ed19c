// Polls GET /api/metrics/latest for the rows on screen (every 15 s while the tab is visible) and keeps the
// folded readings. The lists' live kW and °C columns read `readings`.
import { api } from '$lib/api';
import type { LatestRow } from './readings';

const POLL_MS = 15_000;

export class LatestPoll<R> {
  readings = $state.raw<Map<number, R>>(new Map());

  constructor(
    private readonly fold: (rows: LatestRow[], now: number) => Map<number, R>,
    private readonly param: 'rack_id' | 'server_id',
    private readonly metrics: readonly string[],
  ) {}

  /** Start polling for these ids; returns the stop function (an $effect's cleanup). */
  watch(ids: number[]): () => void {
    if (!ids.length) {
      this.readings = new Map();
      return () => {};
    }
    const ctrl = new AbortController();
    const poll = () =>
      api
        .get<LatestRow[]>('/metrics/latest', {
          query: { [this.param]: ids.join(','), metric: this.metrics.join(',') },
          signal: ctrl.signal,
        })
        .then((rows) => (this.readings = this.fold(rows, Date.now())))
        .catch(() => {}); // the columns keep their last values (or "—"); the list itself still works
    poll();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') poll();
    }, POLL_MS);
    return () => {
      clearInterval(timer);
      ctrl.abort();
    };
  }
}
