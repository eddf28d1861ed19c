import type { DatacenterSummary, RackSummary } from './protocol';
import { FRESH_MS } from './rack-summary';

export interface FacilityReading {
  ts: number;
  value: number;
}

/**
 * A datacenter's live totals from its racks' summaries. PUE is metered facility power over metered IT power,
 * and only when both are fresh: a guessed PUE on a live dashboard would look measured.
 */
export function summarizeDatacenter(
  datacenterId: number,
  racks: RackSummary[],
  facility: FacilityReading | null,
  now: number,
): DatacenterSummary {
  const fresh = racks.filter((r) => now - r.ts <= FRESH_MS);
  const it = fresh.reduce((sum, r) => sum + (r.power_kw ?? 0), 0);
  const facilityKw = facility && now - facility.ts <= FRESH_MS ? facility.value : null;
  const hottest = fresh
    .filter((r) => r.inlet_temp_c !== null)
    .sort((a, b) => b.inlet_temp_c! - a.inlet_temp_c!)
    .slice(0, 5)
    .map((r) => ({ rack_id: r.rack_id, name: r.name, inlet_temp_c: r.inlet_temp_c! }));
  return {
    datacenter_id: datacenterId,
    ts: fresh.reduce((m, r) => Math.max(m, r.ts), facility?.ts ?? 0),
    it_power_kw: Math.round(it * 1000) / 1000,
    facility_power_kw: facilityKw,
    pue: facilityKw !== null && it > 0 ? Math.round((facilityKw / it) * 1000) / 1000 : null,
    racks_reporting: fresh.length,
    hottest,
    samples_total: racks.reduce((sum, r) => sum + r.samples_total, 0),
  };
}
