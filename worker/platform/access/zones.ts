import { SECURITY_ZONES, type SecurityZone } from '../schemas/common';
import type { Actor } from '../context';

/** Zones from least to most sensitive; a clearance sees its own zone and every zone below it. */
export const zoneRank = (zone: string): number => SECURITY_ZONES.indexOf(zone as SecurityZone);

export function visibleZones(clearance: string): SecurityZone[] {
  const rank = zoneRank(clearance);
  return SECURITY_ZONES.filter((_, i) => i <= rank);
}

/**
 * The zones a caller may see, or `null` for no limit: the platform itself (cron, seed) and anyone cleared for
 * the highest zone, whose queries then carry no zone filter at all.
 */
export function zonesFor(actor: Actor | null): readonly SecurityZone[] | null {
  if (!actor) return null;
  const zones = visibleZones(actor.clearance);
  return zones.length === SECURITY_ZONES.length ? null : zones;
}

export const canSee = (actor: Actor | null, zone: string): boolean =>
  actor === null || zoneRank(zone) <= zoneRank(actor.clearance);
