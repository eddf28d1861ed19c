import * as v from 'valibot';
import { SeriesForecast } from './forecast';

// Only valibot here: the UI imports these.

const n = v.number();

/** A stored forecast of one of the server's series, and when it crosses the limit that matters for its metric. */
export const ServerSeriesForecast = v.object({
  ...SeriesForecast.entries,
  /**
   * The limit worth watching (disk 100 %, CPU 90 %), and the hours from now to the first forecast hour at or
   * above it (0: already there; null: not within the week). Null for metrics without one.
   */
  limit: v.nullable(v.object({ value: n, label: v.string(), hours: v.nullable(n) })),
});

export const ServerForecasts = v.object({
  server_id: n,
  /** when the last finished run of the nightly job ended (null: it has not run yet) */
  last_run_at: v.nullable(n),
  forecasts: v.array(ServerSeriesForecast),
});
