// The live protocol and the metrics API, as the UI sees them. The protocol is shared with the Durable Objects
// that send it (worker/telemetry/protocol.ts).
export type {
  DatacenterMessage,
  DatacenterSummary,
  LivePoint,
  RackMessage,
  RackSummary,
  SeriesLive,
  WindowName,
  WindowStats,
} from '../../../worker/telemetry/protocol';

/** A live socket's lifecycle (LiveSocket.state; aggregated by liveStatus). */
export type SocketState =
  | 'idle' // not started
  | 'connecting' // first connection under way
  | 'live' // open, frames flowing
  | 'reconnecting' // lost, waiting to retry or retrying
  | 'paused' // tab hidden for long: closed until it is visible again
  | 'offline' // the browser is offline
  | 'error' // stopped for good: no access, not found, revoked
  | 'closed'; // closed by the page

/** One point of a chart: Unix ms and a value. */
export interface Pt {
  ts: number;
  value: number;
}

/** GET /api/metrics/servers, /racks (one series per device and metric) and /latest: the generated API types. */
export type { LatestSample, MetricSeries } from '../types';
