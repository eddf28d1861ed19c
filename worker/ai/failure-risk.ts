import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch } from '../platform/db/client';
import { andVisible } from '../platform/access/entities';
import { unprocessable } from '../platform/http/problem';
import { rackEntity } from '../dcim/access';
import { latestValues, visibleRacks } from '../telemetry/query';
import { serverRisk, type ServerFacts, type ServerRisk } from './server-risk';

const H = 3_600_000;
const LEVELS = ['none', 'low', 'medium', 'high'] as const;
export type RiskLevel = (typeof LEVELS)[number];

/** What the platform had to judge from, so a quiet server with no telemetry does not read as a healthy one. */
function coverage(f: ServerFacts, disks: number): string[] {
  const has = (re: RegExp) => f.latest.some((s) => re.test(s.metric));
  return [
    f.temp.hours ? `inlet temperature, ${f.temp.hours} h` : 'no inlet temperature',
    f.fan_min_24h !== null || has(/^fan_rpm$/) ? 'fans' : 'no fan speeds',
    disks ? `SMART of ${disks} disk${disks > 1 ? 's' : ''}` : 'no SMART data',
    has(/^node_edac_/) ? 'EDAC memory counters' : 'no EDAC counters',
    has(/^ipmi_sensor_state$/) ? 'IPMI sensors' : 'no IPMI sensors',
    f.purchase_date ? 'age' : 'no purchase date',
  ];
}

/**
 * Failure risk of every visible server in service (one datacenter or all), highest first, from its latest
 * series (the rack objects), a week of hourly inlet temperature, a day of fan minima, 30 days of alerts and its
 * inventory record.
 */
export async function failureRisks(
  ctx: ServiceContext,
  q: { datacenter_id?: number; level: RiskLevel; limit: number; offset: number },
  now = Date.now(),
) {
  const inDc = q.datacenter_id === undefined ? sql`` : sql` AND r.datacenter_id = ${q.datacenter_id}`;
  const servers = await ctx.db.all<{
    id: number;
    name: string;
    rack_id: number;
    rack: string;
    datacenter_id: number;
    datacenter: string;
    health: string;
    purchase_date: string | null;
    warranty_expires: string | null;
  }>(
    sql`SELECT s.id AS id, s.name AS name, s.rack_id AS rack_id, r.name AS rack, r.datacenter_id AS datacenter_id,
          d.name AS datacenter, s.health AS health, s.purchase_date AS purchase_date,
          s.warranty_expires AS warranty_expires
        FROM servers s JOIN racks r ON r.id = s.rack_id JOIN datacenters d ON d.id = r.datacenter_id
        WHERE s.status <> 'decommissioned'${andVisible(ctx, rackEntity, 'r')}${inDc}`,
  );
  const rackIds = [...new Set(servers.map((s) => s.rack_id))];
  if (rackIds.length > 2000) {
    throw unprocessable([{ field: 'query.datacenter_id', message: 'more than 2000 racks: choose a datacenter' }]);
  }
  const ids = JSON.stringify(servers.map((s) => s.id));
  const [temps, fans, alerts] = await runBatch(ctx.db, [
    ctx.db.all<{ server_id: number; hours: number; above: number; mx: number | null }>(
      sql`SELECT server_id, count(*) AS hours, sum(max > 27) AS above, max(max) AS mx FROM metric_rollups
          WHERE server_id IN (SELECT value FROM json_each(${ids})) AND metric = 'inlet_temp_c' AND step_s = 3600
            AND bucket_start >= ${now - 7 * 24 * H} GROUP BY server_id`,
    ),
    ctx.db.all<{ server_id: number; low: number }>(
      sql`SELECT server_id, min(min) AS low FROM metric_rollups
          WHERE server_id IN (SELECT value FROM json_each(${ids})) AND metric = 'fan_rpm' AND step_s = 3600
            AND bucket_start >= ${now - 24 * H} GROUP BY server_id`,
    ),
    ctx.db.all<{ server_id: number; severity: string; n: number }>(
      sql`SELECT server_id, severity, count(*) AS n FROM alerts
          WHERE server_id IN (SELECT value FROM json_each(${ids}))
            AND started_at >= ${new Date(now - 30 * 24 * H).toISOString()} GROUP BY server_id, severity`,
    ),
  ]);
  const racks = await visibleRacks(ctx, { rack_ids: rackIds });
  const latest = rackIds.length ? await latestValues(ctx, racks, {}) : [];
  const latestBy = new Map<number, ServerFacts['latest']>();
  for (const v of latest) {
    if (v.server_id === null) continue;
    const list = latestBy.get(v.server_id) ?? [];
    list.push(v);
    latestBy.set(v.server_id, list);
  }
  const tempBy = new Map(temps.map((t) => [t.server_id, t]));
  const fanBy = new Map(fans.map((f) => [f.server_id, f.low]));
  const min = LEVELS.indexOf(q.level);
  const rows = servers.flatMap((s) => {
    const t = tempBy.get(s.id);
    const count = (sev: string) => alerts.find((a) => a.server_id === s.id && a.severity === sev)?.n ?? 0;
    const facts: ServerFacts = {
      health: s.health,
      purchase_date: s.purchase_date,
      warranty_expires: s.warranty_expires,
      latest: latestBy.get(s.id) ?? [],
      temp: { hours: t?.hours ?? 0, hours_above: t?.above ?? 0, max: t?.mx ?? null },
      fan_min_24h: fanBy.get(s.id) ?? null,
      alerts_30d: { critical: count('critical'), warning: count('warning') },
    };
    const r: ServerRisk = serverRisk(facts, now);
    if (LEVELS.indexOf(r.level) < min) return [];
    return [
      {
        server_id: s.id,
        name: s.name,
        rack_id: s.rack_id,
        rack: s.rack,
        datacenter_id: s.datacenter_id,
        datacenter: s.datacenter,
        ...r,
        coverage: coverage(facts, r.disks.length),
      },
    ];
  });
  rows.sort((a, b) => b.risk - a.risk || a.name.localeCompare(b.name));
  return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
}
