// Power capping, pure: a server that never draws near its nameplate holds rack power budget it does not use. A cap
// a little above its measured peak gives that budget back (room for more servers on the same feed).

/** Above the measured peak, so a cap does not throttle the busiest hour seen */
export const CAP_HEADROOM = 0.1;
/** Suggest only when the cap frees at least this share of the nameplate: smaller caps are not worth the risk */
export const MIN_FREED_SHARE = 0.2;
export const CAP_STEP_W = 10;

export interface PowerWindow {
  hours: number;
  samples: number;
  /** the highest single sample */
  peak_w: number;
  /** the highest hourly p95 */
  p95_w: number;
}

export interface CapSuggestion {
  cap_w: number;
  freed_w: number;
  peak_pct_of_nameplate: number;
}

/** A cap for a server of `nameplateW`, or null when there is none worth making (or no nameplate). */
export function capFor(nameplateW: number, w: PowerWindow): CapSuggestion | null {
  if (!(nameplateW > 0) || !(w.peak_w > 0)) return null;
  const cap = Math.ceil((w.peak_w * (1 + CAP_HEADROOM)) / CAP_STEP_W) * CAP_STEP_W;
  if (cap > nameplateW * (1 - MIN_FREED_SHARE)) return null;
  return {
    cap_w: cap,
    freed_w: nameplateW - cap,
    peak_pct_of_nameplate: Math.round((1000 * w.peak_w) / nameplateW) / 10,
  };
}
