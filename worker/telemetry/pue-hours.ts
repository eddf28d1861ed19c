// PUE hour by hour, as a DatacenterLive object sums it from live facility readings: pure (tested in
// tests/unit/pue-hours.test.ts), the object keeps the state durable and writes closed hours to D1.

const HOUR = 3_600_000;
/** Readings further than this from the object's clock are live data no longer: backfill goes through history. */
export const LIVE_WINDOW_MS = 10 * 60_000;

export interface PueHour {
  start: number;
  count: number;
  facility_sum: number;
  it_sum: number;
  pue_min: number;
  pue_max: number;
}

export interface PueState {
  open: PueHour | null;
  /** closed hours not yet in D1 */
  pending: PueHour[];
}

/**
 * One facility reading with the site's IT power at that moment. A reading of a later hour closes the open one
 * (it joins `pending`); a reading of an hour already closed, far from `now`, or without IT power is left out.
 */
export function addReading(state: PueState, ts: number, facilityKw: number, itKw: number, now: number): PueState {
  if (!(itKw > 0) || !(facilityKw > 0) || Math.abs(now - ts) > LIVE_WINDOW_MS) return state;
  const start = Math.floor(ts / HOUR) * HOUR;
  let { open, pending } = state;
  if (open && start < open.start) return state;
  if (open && start > open.start) {
    pending = [...pending, open];
    open = null;
  }
  const pue = facilityKw / itKw;
  open = open
    ? {
        ...open,
        count: open.count + 1,
        facility_sum: open.facility_sum + facilityKw,
        it_sum: open.it_sum + itKw,
        pue_min: Math.min(open.pue_min, pue),
        pue_max: Math.max(open.pue_max, pue),
      }
    : { start, count: 1, facility_sum: facilityKw, it_sum: itKw, pue_min: pue, pue_max: pue };
  return { open, pending };
}

/** An open hour whose end is past by more than the live window will get no more readings: it closes. */
export function closeStale(state: PueState, now: number): PueState {
  if (!state.open || now < state.open.start + HOUR + LIVE_WINDOW_MS) return state;
  return { open: null, pending: [...state.pending, state.open] };
}
