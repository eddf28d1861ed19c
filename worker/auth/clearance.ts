import { SECURITY_ZONES, type SecurityZone } from '../schemas/common';
import type { Actor } from '../context';

/** Zones from least to most sensitive; a clearance sees its own zone and every zone below it. */
export const zoneRank = (zone: string): number => SECURITY_ZONES.indexOf(zone as SecurityZone);

export function visibleZones(clearance: string): SecurityZone[] {
  const rank = zoneRank(clearance);
  return SECURITY_ZONES.filter((_, i) => i <= rank);
}

/** `null` actor = the platform itself (cron, seed before sign-in): no clearance limit. */
export const zonesFor = (actor: Actor | null): readonly SecurityZone[] | null =>
  actor ? visibleZones(actor.clearance) : null;

export const canSee = (actor: Actor | null, zone: string): boolean =>
  actor === null || zoneRank(zone) <= zoneRank(actor.clearance);
