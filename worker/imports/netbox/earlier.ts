import type { DeviceKind } from './roles';
import type { Row } from './plan';
import type { Snapshot } from './snapshot';
import type { NbDeviceType, NbId } from './types';

/**
 * A map of NetBox ids to ours that also knows the objects of earlier runs. An export too large for one request is
 * imported in stages (sites, racks and device types first; then devices; then interfaces and cables); a device
 * of a later stage finds its rack, type or site through the links the earlier run kept, as long as that row
 * still exists (and, for racks, is within the caller's clearance, as in a single run).
 */
export class Known<V> extends Map<NbId, V> {
  constructor(private readonly fallback: (nbId: NbId) => V | undefined) {
    super();
  }
  override get(nbId: NbId): V | undefined {
    return super.get(nbId) ?? this.fallback(nbId);
  }
}

/** The row an earlier run made of a NetBox object, if its link is of `kind` and the row is still there. */
function linked(snap: Snapshot, objectType: string, nbId: NbId, kinds: readonly string[], rows: Map<number, Row>) {
  const link = snap.links.get(`${objectType}|${nbId}`);
  if (!link || !kinds.includes(link.kind)) return undefined;
  const row = rows.get(link.id);
  return row ? { link, row } : undefined;
}

const byId = (rows: Row[]) => new Map(rows.map((r) => [Number(r.id), r]));
const detailOf = (text: string | null | undefined): Record<string, unknown> => {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** Our kinds of device, as import_links names them. */
export const DEVICE_LINK_KINDS: Record<Exclude<DeviceKind, 'passive'>, string> = {
  server: 'server',
  network: 'network_device',
  pdu: 'pdu',
  storage: 'storage_system',
};

/** The fallbacks of each id map the mappers share (MapCtx), read from the snapshot once. */
export function earlierResolvers(snap: Snapshot) {
  const datacenters = byId(snap.datacenters);
  const racks = byId(snap.racks);
  const types = byId(snap.deviceTypes);
  const feeds = byId(snap.feeds);
  const deviceRows: Record<string, Map<number, Row>> = {
    server: byId(snap.servers),
    network_device: byId(snap.network),
    pdu: byId(snap.pdus),
    storage_system: byId(snap.storage),
  };
  const kindOfLink = new Map(
    Object.entries(DEVICE_LINK_KINDS).map(([k, v]) => [v, k as keyof typeof DEVICE_LINK_KINDS]),
  );
  return {
    dc: (nbId: NbId) => linked(snap, 'dcim.site', nbId, ['datacenter'], datacenters)?.row.id as number | undefined,
    rack: (nbId: NbId) => {
      const found = linked(snap, 'dcim.rack', nbId, ['rack'], racks);
      if (!found || !snap.canSeeZone(String(found.row.security_zone))) return undefined;
      const start = Number(detailOf(found.link.detail).starting_unit ?? 1);
      return {
        id: Number(found.row.id),
        u_capacity: Number(found.row.u_capacity),
        starting_unit: Number.isFinite(start) ? start : 1,
      };
    },
    type: (nbId: NbId) => {
      const found = linked(snap, 'dcim.devicetype', nbId, ['device_type'], types);
      if (!found) return undefined;
      const r = found.row;
      // the NetBox type as the earlier run read it, rebuilt from what it kept
      const t: NbDeviceType = {
        id: nbId,
        manufacturer: String(r.manufacturer),
        model: String(r.model),
        slug: String(r.slug),
        part_number: (r.part_number as string | null) ?? null,
        u_height: Number(r.u_height),
        is_full_depth: Boolean(r.is_full_depth),
        airflow: (r.airflow as string | null) ?? null,
        weight: (r.weight_kg as number | null) ?? null,
        weight_unit: r.weight_kg == null ? null : 'kg',
        power_outlets: (r.power_outlets as number | null) ?? null,
        comments: (r.comments as string | null) ?? null,
      };
      return { id: Number(r.id) as number | null, t };
    },
    feed: (nbId: NbId) => {
      const found = linked(snap, 'dcim.powerfeed', nbId, ['power_feed'], feeds);
      if (!found) return undefined;
      const f = found.row;
      const v = Number(f.voltage);
      const a = Number(f.amperage);
      const kw = ((f.phase === 'three-phase' ? Math.sqrt(3) : 1) * v * a) / 1000;
      return { id: Number(f.id), kw: Math.round(kw * 100) / 100 };
    },
    device: (nbId: NbId) => {
      const link = snap.links.get(`dcim.device|${nbId}`);
      const kind = link && kindOfLink.get(link.kind);
      if (!link || !kind || !deviceRows[link.kind]?.has(link.id)) return undefined;
      return { kind: kind as DeviceKind, id: link.id };
    },
  };
}
