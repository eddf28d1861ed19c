import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch } from '../platform/db/client';
import { andVisible, inZone, visibleWhere } from '../platform/access/entities';
import { SECURITY_ZONES } from '../platform/schemas/common';
import { rackEntity, serverEntity } from '../dcim/access';
import { networkDeviceEntity } from '../network/access';
import { storageSystemEntity } from '../storage/access';
import { pduEntity } from '../power/access';
import { loadSiteChain } from '../power/chain-data';
import { latestValues, visibleRacks } from '../telemetry/query';
import {
  credentialFindings,
  deviceFindings,
  powerFindings,
  type ConfigFinding,
  type DeviceFacts,
  type RackPowerFacts,
} from './config-rules';

/** The metric an agent reports when a service still accepts its default credentials: 1 flagged, 0 not. */
export const DEFAULT_CREDENTIALS_METRIC = 'security_default_credentials';

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];

async function devices(ctx: ServiceContext): Promise<DeviceFacts[]> {
  const select = (kind: string, table: string, entity: Parameters<typeof visibleWhere>[1], warranty: boolean) => {
    const where = visibleWhere(ctx, entity, 'x');
    return ctx.db.all<DeviceFacts>(
      sql`SELECT ${kind} AS kind, x.id, x.name, x.status, x.management_ip, ${sql.raw(warranty ? 'x.warranty_expires' : 'NULL')} AS warranty_expires,
                 r.id AS rack_id, r.name AS rack_name, coalesce(${inZone(rackEntity, 'r', SECURITY_ZONES[0])}, 0) AS public_zone, r.datacenter_id
          FROM ${sql.raw(table)} x LEFT JOIN racks r ON r.id = x.rack_id${where ? sql` WHERE ${where}` : sql``}`,
    );
  };
  const rows = await runBatch(ctx.db, [
    select('server', 'servers', serverEntity, true),
    select('network_device', 'network_devices', networkDeviceEntity, true),
    select('storage_system', 'storage_systems', storageSystemEntity, true),
    select('pdu', 'pdus', pduEntity, false),
  ]);
  return rows.flat().map((d) => ({ ...d, public_zone: !!d.public_zone }));
}

/** Racks' PDUs and the feeds behind them, from the power domain's chain of each datacenter. */
async function rackPower(ctx: ServiceContext): Promise<RackPowerFacts[]> {
  const dcs = await ctx.db.all<{ id: number }>(
    sql`SELECT DISTINCT r.datacenter_id AS id FROM racks r JOIN pdus p ON p.rack_id = r.id WHERE 1 = 1${andVisible(ctx, rackEntity, 'r')}`,
  );
  const out: RackPowerFacts[] = [];
  for (const { id } of dcs) {
    const site = await loadSiteChain(ctx, id);
    const feeds = new Map(site.feeds.map((f) => [f.id, f]));
    for (const r of site.racks) {
      out.push({
        id: r.id,
        name: r.name,
        datacenter_id: id,
        pdus: site.pdus
          .filter((p) => p.rack_id === r.id)
          .map((p) => {
            const f = p.feed_id !== null ? feeds.get(p.feed_id) : undefined;
            return {
              id: p.id,
              name: p.name,
              feed: f ? { id: f.id, name: f.name, side: f.side, status: f.status } : null,
            };
          }),
      });
    }
  }
  return out;
}

async function credentialFlags(ctx: ServiceContext) {
  const racks = await visibleRacks(ctx, {});
  if (!racks.length) return [];
  const values = (await latestValues(ctx, racks, { metrics: [DEFAULT_CREDENTIALS_METRIC] })).filter(
    (l) => l.server_id !== null,
  );
  if (!values.length) return [];
  const ids = [...new Set(values.map((l) => l.server_id!))];
  const servers = await ctx.db.all<{ id: number; name: string; rack_id: number; datacenter_id: number }>(
    sql`SELECT s.id, s.name, s.rack_id, r.datacenter_id FROM servers s JOIN racks r ON r.id = s.rack_id
        WHERE s.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))${andVisible(ctx, serverEntity, 's')}`,
  );
  const byId = new Map(servers.map((s) => [s.id, s]));
  return values.flatMap((l) => {
    const s = byId.get(l.server_id!);
    return s
      ? [
          {
            server_id: s.id,
            name: s.name,
            rack_id: s.rack_id,
            datacenter_id: s.datacenter_id,
            service: l.labels.service ?? '',
            value: l.value,
          },
        ]
      : [];
  });
}

/** Configuration findings from live platform data, limited to what the caller may see. */
export async function configReport(ctx: ServiceContext) {
  const today = new Date().toISOString().slice(0, 10);
  const [devs, power, creds] = await Promise.all([devices(ctx), rackPower(ctx), credentialFlags(ctx)]);
  const findings: ConfigFinding[] = [
    ...credentialFindings(creds),
    ...deviceFindings(devs, today),
    ...powerFindings(power),
  ];
  findings.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      a.rule.localeCompare(b.rule) ||
      a.asset_name.localeCompare(b.asset_name),
  );
  return {
    generated_at: new Date().toISOString(),
    findings,
    notes: [
      'Racks without PDUs are not judged for power redundancy: the platform knows nothing of their power.',
      `Default credentials come from agents reporting ${DEFAULT_CREDENTIALS_METRIC}{service="…"} 1 on a server.`,
    ],
  };
}
