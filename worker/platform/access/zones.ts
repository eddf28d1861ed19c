import { SECURITY_ZONES, type SecurityZone } from '../schemas/common';
import type { Actor } from '../context';

// The only place zones are compared. Zones run from least to most sensitive; a clearance sees its own zone and
// every zone below it. `null` clearance is the platform itself (cron, seed): it sees everything.

const zoneRank = (zone: string): number => SECURITY_ZONES.indexOf(zone as SecurityZone);

/** The most sensitive zone (Top Secret): compliance controls name it. */
export const TOP_ZONE: SecurityZone = SECURITY_ZONES[SECURITY_ZONES.length - 1];

export function visibleZones(clearance: string): SecurityZone[] {
  const rank = zoneRank(clearance);
  return SECURITY_ZONES.filter((_, i) => i <= rank);
}

/**
 * The zones a caller may see, or `null` for no limit: the platform itself (cron, seed) and anyone cleared for
 * the highest zone, whose queries then carry no zone filter at all. Telemetry filters its raw SQL by this list.
 */
export function zonesFor(actor: Pick<Actor, 'clearance'> | null): readonly SecurityZone[] | null {
  if (!actor) return null;
  const zones = visibleZones(actor.clearance);
  return zones.length === SECURITY_ZONES.length ? null : zones;
}

/** For in-memory cases (live sockets, Durable Object views, caches) where the zone is already at hand. */
export const clearanceCovers = (clearance: string | null, zone: string): boolean =>
  clearance === null || zoneRank(zone) <= zoneRank(clearance);

export const canSee = (actor: Pick<Actor, 'clearance'> | null, zone: string): boolean =>
  clearanceCovers(actor?.clearance ?? null, zone);

/** Whether moving an object from `from` to `to` raises its protection (subscribers may lose sight of it). */
export const zoneRises = (from: string, to: string): boolean => zoneRank(to) > zoneRank(from);

/** Whether moving an object from `from` to `to` lowers its protection (a declassification). */
export const zoneLowers = (from: string, to: string): boolean => zoneRank(to) < zoneRank(from);

/** A user cleared for every zone. */
export const clearedForAll = (clearance: string): boolean => zoneRank(clearance) === zoneRank(TOP_ZONE);

/** The most secret of some zones (a record that spans several, like a placement plan, takes it); lowest if none. */
export const highestZone = (zones: readonly string[]): SecurityZone =>
  SECURITY_ZONES[Math.max(0, ...zones.map(zoneRank))];
