import { DatacenterCreate } from '../../dcim/schemas/datacenter';
import { RackCreate } from '../../dcim/schemas/rack';
import { PowerFeedCreate } from '../../power/schemas/feed';
import { Index, matchRow, nameKey, scopedKey, type MapCtx } from './context';
import { feedKw, feedStatus, rackStatus, siteStatus } from './convert';

const clip = (s: string | null, n: number) => (s && s.length > n ? s.slice(0, n) : s);

/** Sites → datacenters. The address says most about where a site is; facility and region stand in for it. */
export function mapSites(ctx: MapCtx) {
  const { plan, snap } = ctx;
  const index = new Index(snap.datacenters, nameKey);
  for (const s of ctx.data.sites) {
    const location = [s.physical_address, s.facility, s.region].filter(Boolean).join(', ') || null;
    const row = { name: s.name, location: clip(location, 200), status: siteStatus(s.status) };
    if (!plan.valid(DatacenterCreate, row, 'datacenters', 'sites', s.id, s.name)) continue;
    const existing = matchRow(ctx, 'dcim.site', s.id, 'datacenter', index, s.name.toLowerCase());
    const id = plan.put('datacenters', 'datacenters', existing, row);
    ctx.dcOf.set(s.id, id);
    plan.link('dcim.site', s.id, 'datacenter', id);
  }
}

/** Racks: new ones get the default security zone; one above the caller's clearance is not touched. */
export function mapRacks(ctx: MapCtx) {
  const { plan, snap } = ctx;
  const index = new Index(snap.racks, (r) => scopedKey(r.datacenter_id, r.name));
  const taken = new Set<string>();
  for (const r of ctx.data.racks) {
    const dc = r.site === null ? undefined : ctx.dcOf.get(r.site);
    if (dc === undefined) {
      plan.skip('racks', 'racks', r.id, r.name, 'its site was not imported');
      continue;
    }
    const key = scopedKey(dc, r.name);
    if (taken.has(key)) {
      plan.skip(
        'racks',
        'racks',
        r.id,
        r.name,
        'another rack of the site has this name (NetBox locations are not kept)',
      );
      continue;
    }
    const u = r.u_height ?? 42;
    const location = [r.location, r.facility_id && `facility ${r.facility_id}`, r.role && `role ${r.role}`]
      .filter(Boolean)
      .join(', ');
    const row = {
      name: r.name,
      datacenter_id: dc,
      location: clip(location || null, 120),
      u_capacity: u,
      status: rackStatus(r.status),
    };
    if (!plan.valid(RackCreate, row, 'racks', 'racks', r.id, r.name)) continue;
    const existing = matchRow(ctx, 'dcim.rack', r.id, 'rack', index, key);
    if (existing && !snap.canSeeZone(String(existing.security_zone))) {
      plan.skip('racks', 'racks', r.id, r.name, 'the matching rack is in a zone above your clearance');
      continue;
    }
    taken.add(key);
    const id = plan.put('racks', 'racks', existing, row);
    ctx.rackOf.set(r.id, { id, u_capacity: u, starting_unit: r.starting_unit });
    // a device of a later run (a staged import) finds its position in U through the rack's starting unit
    plan.link('dcim.rack', r.id, 'rack', id, r.starting_unit === 1 ? undefined : { starting_unit: r.starting_unit });
  }
}

/** Power feeds; their panel is only a name here, their datacenter the panel's (or the rack's) site. */
export function mapFeeds(ctx: MapCtx) {
  const { plan, snap, data } = ctx;
  const panels = new Map(data.powerPanels.map((p) => [p.id, p]));
  const rackSite = new Map(data.racks.map((r) => [r.id, r.site]));
  const index = new Index(snap.feeds, (f) => scopedKey(f.datacenter_id, f.name));
  plan.report.read['power-panels'] = data.powerPanels.length;
  for (const f of data.powerFeeds) {
    const panel = f.power_panel === null ? undefined : panels.get(f.power_panel);
    const site = panel?.site ?? (f.rack !== null ? rackSite.get(f.rack) : null) ?? null;
    const dc = site === null ? undefined : ctx.dcOf.get(site);
    if (dc === undefined) {
      plan.skip('power_feeds', 'power-feeds', f.id, f.name, 'its site was not imported');
      continue;
    }
    const redundant = f.type === 'redundant';
    const phase = f.phase === 'three-phase' ? 'three-phase' : 'single-phase';
    // NetBox's own defaults when a field is empty: 120 V, 20 A, 80 %
    const voltage = Math.round(Math.abs(f.voltage ?? 120));
    const amperage = Math.round(f.amperage ?? 20);
    const row = {
      name: f.name,
      datacenter_id: dc,
      panel: clip(panel?.name ?? null, 64),
      side: redundant ? 'B' : 'A',
      feed_type: redundant ? 'redundant' : 'primary',
      supply: f.supply === 'dc' ? 'dc' : 'ac',
      phase,
      voltage,
      amperage,
      max_utilization_pct: Math.round(f.max_utilization ?? 80),
      status: feedStatus(f.status),
    };
    if (!plan.valid(PowerFeedCreate, row, 'power_feeds', 'power-feeds', f.id, f.name)) continue;
    const id = plan.put(
      'power_feeds',
      'power_feeds',
      matchRow(ctx, 'dcim.powerfeed', f.id, 'power_feed', index, scopedKey(dc, f.name)),
      row,
    );
    ctx.feedOf.set(f.id, { id, kw: feedKw(voltage, amperage, phase) });
    plan.link('dcim.powerfeed', f.id, 'power_feed', id);
  }
}
