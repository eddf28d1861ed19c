import { rawZoneOf } from '../platform/access/entities';
import { TOP_ZONE } from '../platform/access/zones';
import { alertEntity } from './access';
import { alertOut } from './alerts';

/** One step in an alert's history with the alert as it is now: what the hub pushes and dispatches. */
export interface AlertChange {
  event_id: number;
  /** fired, refired, acknowledged, auto_acknowledged, resolved, auto_resolved, suppressed, ... */
  event: string;
  event_ts: string;
  /** the zone of the alert (its rack's); alerts about no rack are for those cleared for every zone */
  zone: string;
  alert: Record<string, unknown>;
}

/** What the browsers receive on GET /api/live/alerts (web/lib/live/alerts.svelte.ts). */
export type AlertFeedMessage =
  { type: 'alert'; event: string; at: string; alert: Record<string, unknown> } | { type: 'hello'; at: number };

const ZONE = rawZoneOf(alertEntity, 'a');

/**
 * The cursor of `name`, created at the newest event when missing: a new reader starts from now, it does not
 * replay the history.
 */
export const cursorInit = (db: D1Database, name: string) =>
  db
    .prepare(
      'INSERT OR IGNORE INTO alert_cursors (name, last_event_id) SELECT ?, coalesce(max(id), 0) FROM alert_events',
    )
    .bind(name);

export const cursorAdvance = (db: D1Database, name: string, to: number) =>
  db.prepare('UPDATE alert_cursors SET last_event_id = max(last_event_id, ?) WHERE name = ?').bind(to, name);

/** The events after `name`'s cursor, oldest first, each with its alert and the alert's zone. */
export async function changesAfterCursor(db: D1Database, name: string, limit = 200): Promise<AlertChange[]> {
  const [, res] = await db.batch([
    cursorInit(db, name),
    db
      .prepare(
        `SELECT e.id AS event_id, e.type AS event, e.ts AS event_ts, ${ZONE} AS zone, a.*
           FROM alert_events e JOIN alerts a ON a.id = e.alert_id
          WHERE e.id > (SELECT last_event_id FROM alert_cursors WHERE name = ?)
          ORDER BY e.id LIMIT ?`,
      )
      .bind(name, limit),
  ]);
  return (res!.results as Record<string, any>[]).map(({ event_id, event, event_ts, zone, ...a }) => ({
    event_id,
    event,
    event_ts,
    zone: zone ?? TOP_ZONE,
    alert: alertOut({
      ...a,
      labels: typeof a.labels === 'string' ? JSON.parse(a.labels) : a.labels,
      resolved: a.status === 'resolved',
      acknowledged: a.acknowledged_at !== null,
    }),
  }));
}
