import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { visibleRacks, latestValues, recentRaw } from '../telemetry/query';
import { counterRate } from './counter-rate';
import { FRESH_MS } from '../telemetry/rack-summary';
import { networkDeviceEntity, networkPortEntity } from './access';
import { busiestFirst, buildTopology, linkLoad, type PortRate, type TopoDevice, type TopoLink } from './topology';

/**
 * Per-port rates as the telemetry pipeline keeps them: a sample labelled `device=<network device name>` and
 * `ifName=<port name>`, stored by the device's rack object: gauges in bits per second, or octet counters
 * (ifHCInOctets) turned into a rate from their last two raw samples.
 */
export const RX_METRICS = ['network_rx_bps', 'if_in_bps'];
export const TX_METRICS = ['network_tx_bps', 'if_out_bps'];
/** snmp_exporter's if_mib octet counters: a rate from their last two samples, for ports without a gauge */
export const RX_COUNTER = 'ifHCInOctets';
export const TX_COUNTER = 'ifHCOutOctets';

interface LinkRow {
  cable_id: number;
  a_device_id: number;
  a_device_name: string;
  a_port_id: number;
  a_port_name: string;
  a_speed: string;
  b_device_id: number;
  b_device_name: string;
  b_port_id: number;
  b_port_name: string;
  b_speed: string;
}

/** The devices (of a datacenter, or all) and the cables between ports the caller may see. */
async function loadNetwork(ctx: ServiceContext, datacenterId?: number) {
  const inDc = (alias: string) =>
    datacenterId === undefined
      ? sql``
      : sql` AND ${sql.raw(alias)}.rack_id IN (SELECT id FROM racks WHERE datacenter_id = ${datacenterId})`;
  const devices = await ctx.db.all<TopoDevice>(
    sql`SELECT d.id, d.name, d.device_type, d.rack_id, d.status FROM network_devices d
         WHERE 1 = 1${inDc('d')}${andVisible(ctx, networkDeviceEntity, 'd')} ORDER BY d.id`,
  );
  const links = await ctx.db.all<LinkRow>(
    sql`SELECT c.id AS cable_id,
               da.id AS a_device_id, da.name AS a_device_name, pa.id AS a_port_id, pa.name AS a_port_name, pa.speed AS a_speed,
               db.id AS b_device_id, db.name AS b_device_name, pb.id AS b_port_id, pb.name AS b_port_name, pb.speed AS b_speed
          FROM network_cables c
          JOIN network_ports pa ON pa.id = c.a_port_id JOIN network_devices da ON da.id = pa.device_id
          JOIN network_ports pb ON pb.id = c.b_port_id JOIN network_devices db ON db.id = pb.device_id
         WHERE c.status <> 'decommissioned'
           AND (1 = 1${inDc('da')} OR 1 = 1${inDc('db')})${andVisible(ctx, networkPortEntity, 'pa')}${andVisible(ctx, networkPortEntity, 'pb')}
         ORDER BY c.id`,
  );
  const topoLinks: TopoLink[] = links.map((r) => ({
    cable_id: Number(r.cable_id),
    a: {
      device_id: Number(r.a_device_id),
      device_name: r.a_device_name,
      port_id: Number(r.a_port_id),
      port_name: r.a_port_name,
      speed: r.a_speed,
    },
    b: {
      device_id: Number(r.b_device_id),
      device_name: r.b_device_name,
      port_id: Number(r.b_port_id),
      port_name: r.b_port_name,
      speed: r.b_speed,
    },
  }));
  const known = new Set(devices.map((d) => Number(d.id)));
  const farIds = [...new Set(topoLinks.flatMap((l) => [l.a.device_id, l.b.device_id]).filter((id) => !known.has(id)))];
  const outside = farIds.length
    ? await ctx.db.all<TopoDevice>(
        sql`SELECT d.id, d.name, d.device_type, d.rack_id, d.status FROM network_devices d
             WHERE d.id IN (SELECT value FROM json_each(${JSON.stringify(farIds)}))`,
      )
    : [];
  return { devices, outside, links: topoLinks };
}

/** The latest fresh port rates of these devices, from their racks' telemetry objects. */
async function portRates(
  ctx: ServiceContext,
  devices: TopoDevice[],
  links: TopoLink[],
  now = Date.now(),
): Promise<{ rates: Map<number, PortRate>; ts: number | null }> {
  const rates = new Map<number, PortRate>();
  if (!links.length) return { rates, ts: null };
  const rackIds = [...new Set(devices.map((d) => Number(d.rack_id)))];
  const racks = await visibleRacks(ctx, { rack_ids: rackIds });
  const values = await latestValues(ctx, racks, { metrics: [...RX_METRICS, ...TX_METRICS] });
  // port id by "device\u0000port", names compared as people type them
  const key = (device: string, port: string) => `${device.toLowerCase()}\u0000${port.toLowerCase()}`;
  const portIds = new Map<string, number>();
  for (const l of links) {
    portIds.set(key(l.a.device_name, l.a.port_name), l.a.port_id);
    portIds.set(key(l.b.device_name, l.b.port_name), l.b.port_id);
  }
  const partial = new Map<number, { in_bps?: number; out_bps?: number }>();
  let ts: number | null = null;
  for (const val of values) {
    const device = val.labels.device;
    const port = val.labels.ifName;
    if (!device || !port || now - val.ts > FRESH_MS) continue;
    const id = portIds.get(key(device, port));
    if (id === undefined) continue;
    const p = partial.get(id) ?? {};
    if (RX_METRICS.includes(val.metric)) p.in_bps = val.value;
    else p.out_bps = val.value;
    partial.set(id, p);
    ts = Math.max(ts ?? 0, val.ts);
  }
  // ports that report only counters (snmp_exporter scraping if_mib): the rate over their last two samples
  const counters = await recentRaw(ctx, racks, [RX_COUNTER, TX_COUNTER], 2 * FRESH_MS, now);
  for (const c of counters) {
    const id = c.labels.device && c.labels.ifName ? portIds.get(key(c.labels.device, c.labels.ifName)) : undefined;
    if (id === undefined) continue;
    const p = partial.get(id) ?? {};
    const field = c.metric === RX_COUNTER ? 'in_bps' : 'out_bps';
    if (p[field] !== undefined) continue;
    const rate = counterRate(c.raw, now, FRESH_MS);
    if (!rate) continue;
    p[field] = rate.bps;
    partial.set(id, p);
    ts = Math.max(ts ?? 0, rate.ts);
  }
  for (const [id, p] of partial) {
    if (p.in_bps !== undefined && p.out_bps !== undefined) rates.set(id, { in_bps: p.in_bps, out_bps: p.out_bps });
  }
  return { rates, ts: rates.size ? ts : null };
}

const sourceOf = (rates: Map<number, PortRate>): 'telemetry' | 'no telemetry' =>
  rates.size ? 'telemetry' : 'no telemetry';

export async function networkTopology(ctx: ServiceContext, datacenterId?: number) {
  const { devices, outside, links } = await loadNetwork(ctx, datacenterId);
  const { rates } = await portRates(ctx, [...devices, ...outside], links);
  return {
    datacenter_id: datacenterId ?? null,
    source: sourceOf(rates),
    ...buildTopology(devices, links, rates, outside),
  };
}

export async function networkTraffic(ctx: ServiceContext, datacenterId: number | undefined, limit = 50) {
  const { devices, outside, links } = await loadNetwork(ctx, datacenterId);
  const { rates, ts } = await portRates(ctx, [...devices, ...outside], links);
  return {
    datacenter_id: datacenterId ?? null,
    source: sourceOf(rates),
    ts,
    links: busiestFirst(links.map((l) => linkLoad(l, rates))).slice(0, limit),
  };
}
