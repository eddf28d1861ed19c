import type { DatacenterSummary, RackSummary } from './protocol';
import { FRESH_MS } from './rack-summary';

export interface FacilityReading {
  ts: number;
  value: number;
}

/**
 * A datacenter's live totals from its racks' summaries: `racks` are those the viewer may see (totals, hottest
 * racks), `site` all of them. PUE is the site's metered facility power over the site's metered IT power, and
 * only when both are fresh: a guessed PUE on a live dashboard would look measured.
 */
export function summarizeDatacenter(
  datacenterId: number,
  racks: RackSummary[],
  facility: FacilityReading | null,
  now: number,
  site: RackSummary[] = racks,
): DatacenterSummary {
  const isFresh = (r: RackSummary) => now - r.ts <= FRESH_MS;
  const fresh = racks.filter(isFresh);
  const it = fresh.reduce((sum, r) => sum + (r.power_kw ?? 0), 0);
  const siteIt = site.filter(isFresh).reduce((sum, r) => sum + (r.power_kw ?? 0), 0);
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
    site_it_power_kw: Math.round(siteIt * 1000) / 1000,
    facility_power_kw: facilityKw,
    pue: facilityKw !== null && siteIt > 0 ? Math.round((facilityKw / siteIt) * 1000) / 1000 : null,
    racks_reporting: fresh.length,
    hottest,
    samples_total: racks.reduce((sum, r) => sum + r.samples_total, 0),
  };
}
