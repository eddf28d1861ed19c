/**
 * The live WebSocket protocol (server → browser). Shared by the Durable Objects that send it and the UI's live
 * store (web/src/lib/live/) that reads it. JSON text frames. The browser sends only the text "ping", answered
 * "pong" by the Durable Object's auto-response without waking it.
 *
 *   GET /api/live/racks/{id}[?server_id=N]   one rack: a `snapshot` on connect, then `delta`s
 *   GET /api/live/datacenters/{id}           one datacenter's racks: a `dc_snapshot`, then `dc_delta`s
 *
 * Both upgrades need a signed-in session (the dc_session cookie, or a bearer token) whose clearance covers the
 * rack (or, for a datacenter, only the racks it covers are sent).
 */

export type WindowName = '1m' | '5m' | '1h';
export const WINDOWS: readonly WindowName[] = ['1m', '5m', '1h'];

/** Aggregates of one series over a rolling window ending now. p95 is within 1 % (a log-bucket sketch). */
export interface WindowStats {
  count: number;
  last: number;
  min: number;
  max: number;
  avg: number;
  p95: number;
}

export interface SeriesLive {
  /** stable key of the series inside its rack: "<server_id|rack>|<metric>|<canonical labels>" */
  key: string;
  /** null for rack-level series (PDU, rack sensors) */
  server_id: number | null;
  metric: string;
  labels: Record<string, string>;
  /** last sample */
  ts: number;
  value: number;
  windows: Partial<Record<WindowName, WindowStats>>;
}

export interface LivePoint {
  key: string;
  server_id: number | null;
  metric: string;
  ts: number;
  value: number;
}

/** What a rack Durable Object reports upward (to its datacenter object) and to its own subscribers. */
export interface RackSummary {
  rack_id: number;
  datacenter_id: number;
  name: string;
  zone: string;
  /** time of the newest sample */
  ts: number;
  /** IT power: the PDU's power_kw when metered recently, else the sum of the servers' power_w */
  power_kw: number | null;
  power_source: 'pdu' | 'servers' | null;
  power_capacity_kw: number;
  /** hottest inlet: the rack sensor or any server's inlet_temp_c */
  inlet_temp_c: number | null;
  outlet_temp_c: number | null;
  humidity_pct: number | null;
  servers_reporting: number;
  /** samples this rack has accepted since it was created */
  samples_total: number;
}

export interface DatacenterSummary {
  datacenter_id: number;
  ts: number;
  it_power_kw: number;
  /** metered facility power (facility_power_kw) when reported in the last few minutes */
  facility_power_kw: number | null;
  /**
   * The SITE's facility / IT power when both are metered, over all its racks whatever the viewer's clearance
   * (a PUE over the visible racks only would be no site's); null otherwise (never guessed)
   */
  pue: number | null;
  /** IT power of all the site's reporting racks (PUE's denominator); it_power_kw counts the visible ones only */
  site_it_power_kw: number;
  racks_reporting: number;
  /** up to 5 racks by inlet temperature, hottest first */
  hottest: { rack_id: number; name: string; inlet_temp_c: number }[];
  samples_total: number;
}

export type RackMessage =
  | { type: 'snapshot'; rack_id: number; at: number; series: SeriesLive[]; summary: RackSummary | null }
  | { type: 'delta'; rack_id: number; at: number; points: LivePoint[]; summary: RackSummary | null }
  /** the rack's zone rose above the subscriber's clearance: the socket is closed after this */
  | { type: 'revoked'; rack_id: number; at: number };

export type DatacenterMessage =
  | { type: 'dc_snapshot'; datacenter_id: number; at: number; summary: DatacenterSummary; racks: RackSummary[] }
  | { type: 'dc_delta'; datacenter_id: number; at: number; summary: DatacenterSummary; racks: RackSummary[] };

export type LiveMessage = RackMessage | DatacenterMessage;
