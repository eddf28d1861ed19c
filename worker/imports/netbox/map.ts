import type { MapCtx } from './context';
import { Known, earlierResolvers } from './earlier';
import { mapDeviceTypes, mapDevices } from './map-devices';
import { mapCables, mapInterfaces, mapVms } from './map-links';
import { mapFeeds, mapRacks, mapSites } from './map-sites';
import { PlanBuilder } from './plan';
import type { Snapshot } from './snapshot';
import type { NbData } from './types';

const FOLDED: Record<string, string> = {
  regions: 'kept as text in the datacenter location',
  locations: 'kept as text in the rack location',
  'rack-roles': 'kept as text in the rack location',
  tenants: 'no tenants here',
};

/** NetBox objects → a plan of rows to create/update (in dependency order) and the report of what did not map. */
export function mapNetbox(data: NbData, snap: Snapshot): PlanBuilder {
  const plan = new PlanBuilder({ ...snap.nextId });
  // objects of earlier runs stand in for those this export leaves out (a staged import)
  const earlier = earlierResolvers(snap);
  const ctx: MapCtx = {
    data,
    snap,
    plan,
    dcOf: new Known(earlier.dc),
    rackOf: new Known(earlier.rack),
    typeOf: new Known(earlier.type),
    feedOf: new Known(earlier.feed),
    deviceOf: new Known(earlier.device),
    portOf: new Map(),
  };
  Object.assign(plan.report.read, {
    sites: data.sites.length,
    racks: data.racks.length,
    'device-types': data.deviceTypes.length,
    devices: data.devices.length,
    'power-panels': data.powerPanels.length,
    'power-feeds': data.powerFeeds.length,
    interfaces: data.interfaces.length,
    cables: data.cables.length,
    clusters: data.clusters.length,
    'virtual-machines': data.vms.length,
    ...data.lookups,
    ...data.other,
  });
  mapSites(ctx);
  mapRacks(ctx);
  mapFeeds(ctx);
  mapDeviceTypes(ctx);
  mapDevices(ctx);
  mapInterfaces(ctx);
  mapCables(ctx);
  mapVms(ctx);
  for (const [type, n] of Object.entries(data.lookups)) {
    if (FOLDED[type]) plan.unmapped(type, FOLDED[type], null, n);
  }
  for (const [type, n] of Object.entries(data.other)) {
    plan.unmapped(type, FOLDED[type] ?? 'not imported: no counterpart here', null, n);
  }
  plan.report.unmapped.sort((a, b) => a.type.localeCompare(b.type) || b.count - a.count);
  return plan;
}
