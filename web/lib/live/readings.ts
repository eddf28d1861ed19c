// Live columns of the racks and servers lists, from GET /api/metrics/latest: pure folding of the latest samples
// into one reading per row. No Svelte and no $lib imports, so the unit tests run it as is.

export interface LatestRow {
  server_id: number | null;
  rack_id: number;
  metric: string;
  ts: number;
  value: number;
}

/** a reading older than this is no longer "live" and shows as "—" */
export const LIVE_MAX_AGE_MS = 5 * 60_000;

export interface RackReading {
  /** the PDU's power_kw when metered, else the sum of the servers' power_w */
  power_kw: number | null;
  /** the hottest inlet: rack sensor or any server */
  inlet_max_c: number | null;
}
export interface ServerReading {
  power_w: number | null;
  inlet_temp_c: number | null;
}

const fresh = (rows: LatestRow[], now: number) => rows.filter((r) => now - r.ts <= LIVE_MAX_AGE_MS);

export function rackReadings(rows: LatestRow[], now: number): Map<number, RackReading> {
  const acc = new Map<number, { pdu: number | null; servers: number | null; inlet: number | null }>();
  for (const r of fresh(rows, now)) {
    const a = acc.get(r.rack_id) ?? { pdu: null, servers: null, inlet: null };
    if (r.metric === 'power_kw' && r.server_id === null) a.pdu = (a.pdu ?? 0) + r.value;
    else if (r.metric === 'power_w' && r.server_id !== null) a.servers = (a.servers ?? 0) + r.value / 1000;
    else if (r.metric === 'inlet_temp_c') a.inlet = Math.max(a.inlet ?? -Infinity, r.value);
    acc.set(r.rack_id, a);
  }
  return new Map(
    [...acc].map(([id, a]) => [id, { power_kw: a.pdu ?? a.servers, inlet_max_c: a.inlet }] as [number, RackReading]),
  );
}

export function serverReadings(rows: LatestRow[], now: number): Map<number, ServerReading> {
  const out = new Map<number, ServerReading>();
  for (const r of fresh(rows, now)) {
    if (r.server_id === null) continue;
    const s = out.get(r.server_id) ?? { power_w: null, inlet_temp_c: null };
    // several PSUs or inlet sensors: draw adds up, the inlet is the hottest
    if (r.metric === 'power_w') s.power_w = (s.power_w ?? 0) + r.value;
    else if (r.metric === 'inlet_temp_c') s.inlet_temp_c = Math.max(s.inlet_temp_c ?? -Infinity, r.value);
    out.set(r.server_id, s);
  }
  return out;
}
