import type { ServiceContext } from '../platform/context';
import { createRows, type Row } from '../platform/http/resource';
import { feedsResource } from '../power/feeds';
import { pdusResource } from '../power/pdus';
import { suppliesResource } from '../power/supplies';
import { devicesResource } from '../network/devices';
import { portsResource } from '../network/ports';
import { cablesResource } from '../network/cables';
import { storageSystemsResource } from '../storage/systems';
import { storageSnapshotsResource } from '../storage/snapshots';
import type { PlannedRack, PlannedServer } from './estate';
import { demoPhysical } from './physical';

type Def = typeof feedsResource;
const CHUNK = 200;

async function inChunks(ctx: ServiceContext, def: Def, rows: Row[]): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(...(await createRows(ctx, def, rows.slice(i, i + CHUNK))));
  return out;
}

/**
 * The demo's power chain, network and storage (worker/demo/physical.ts), written through the same resources as
 * the API after the datacenters, racks and servers exist: every rule (U slots, budgets, outlets, cabling) holds.
 */
export async function seedPhysical(
  ctx: ServiceContext,
  planned: { racks: PlannedRack[]; servers: PlannedServer[] },
  ids: { dcs: Row[]; racks: Row[]; servers: Row[] },
) {
  const p = demoPhysical(planned.racks, planned.servers);
  const feeds = await inChunks(
    ctx,
    feedsResource,
    p.feeds.map(({ dc, ...f }) => ({ ...f, datacenter_id: ids.dcs[dc].id })),
  );
  const pdus = await inChunks(
    ctx,
    pdusResource,
    p.pdus.map(({ rack, feed, ...x }) => ({
      ...x,
      rack_id: ids.racks[rack].id,
      feed_id: feeds[feed].id,
      u_position: null,
    })),
  );
  const network = await inChunks(
    ctx,
    devicesResource,
    p.network.map(({ rack, ...d }) => ({ ...d, rack_id: ids.racks[rack].id })),
  );
  const ports = await inChunks(
    ctx,
    portsResource,
    p.ports.map(({ device, ...x }) => ({ ...x, device_id: network[device].id })),
  );
  const cables = await inChunks(
    ctx,
    cablesResource,
    p.cables.map(({ a, b, ...c }) => ({ ...c, a_port_id: ports[a].id, b_port_id: ports[b].id })),
  );
  const storage = await inChunks(
    ctx,
    storageSystemsResource,
    p.storage.map(({ dc, rack, ...s }) => ({
      ...s,
      datacenter_id: ids.dcs[dc].id,
      rack_id: rack === null ? null : ids.racks[rack].id,
    })),
  );
  await inChunks(
    ctx,
    storageSnapshotsResource,
    p.snapshots.map(({ storage: k, ...x }) => ({ ...x, storage_id: storage[k].id })),
  );
  const deviceId = { server: ids.servers, storage, network };
  const supplies = await inChunks(
    ctx,
    suppliesResource,
    p.supplies.map(({ device_kind, device, pdu, ...x }) => ({
      ...x,
      device_kind,
      device_id: deviceId[device_kind][device].id,
      pdu_id: pdus[pdu].id,
    })),
  );
  return {
    power_feeds: feeds.length,
    pdus: pdus.length,
    power_supplies: supplies.length,
    network_devices: network.length,
    network_ports: ports.length,
    cables: cables.length,
    storage_systems: storage.length,
  };
}
