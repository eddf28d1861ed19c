// Power efficiency for one site: idle servers to consolidate or power down, power caps from measured peaks, and
// the PUE trend with its drivers. Computed on demand from the rollups; nothing is stored.
import type { ServiceContext } from '../platform/context';
import { pueReport } from '../ai/pue';
import { loadSite, cpuWindows, powerWindows, vmCounts, lastHours, HOUR } from './data';
import { dailyProfile, idleVerdict, IDLE_CPU_PCT, IDLE_DAYS, MIN_COVERAGE } from './idle';
import { capFor, CAP_HEADROOM, MIN_FREED_SHARE } from './capping';
import { dailyPue, driversOf, excessOverKw, periodOf } from './pue-trend';
import { facilityYearOf, yearOf } from './savings';
import { pricingOf, pricingOut } from './pricing';

const iso = (ms: number) => new Date(ms).toISOString();
// a server in maintenance is idle because someone is working on it: only servers in service are judged
const IN_SERVICE = 'active';
const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d });

export async function efficiencyRecommendations(ctx: ServiceContext, q: { datacenter_id: number }, now = Date.now()) {
  const expected = IDLE_DAYS * 24;
  const w = lastHours(expected, now);
  const site = await loadSite(ctx, q.datacenter_id);
  const [cpu, power, pue] = await Promise.all([
    cpuWindows(ctx, site.dc.id, w),
    powerWindows(ctx, site.dc.id, w),
    // a day more than the fortnight: its report counts back from now, not from the last complete hour
    pueReport(ctx, { datacenter_id: site.dc.id, days: 2 * IDLE_DAYS + 1 }, now),
  ]);
  const recentPue = periodOf(pue.hours, w.from, w.to);
  const pricing = pricingOf(site, recentPue);
  const rackName = new Map(site.racks.map((r) => [r.id, r.name]));
  const powered = site.servers.filter((s) => s.status === IN_SERVICE);

  // (1) idle servers
  const idle = [];
  const insufficient = [];
  const verdicts = powered.map((s) => ({ s, v: idleVerdict(cpu.get(s.id), expected) }));
  const counts = await vmCounts(
    ctx,
    verdicts.filter((x) => x.v.verdict === 'idle').map((x) => x.s.id),
  );
  for (const { s, v } of verdicts) {
    const c = cpu.get(s.id);
    if (v.verdict === 'insufficient') {
      insufficient.push({
        server_id: s.id,
        server: s.name,
        hours: c?.hours ?? 0,
        hours_expected: expected,
        reason: v.reason,
      });
      continue;
    }
    if (v.verdict !== 'idle') continue;
    const p = power.get(s.id);
    const profile = p ? dailyProfile(p.wh, p.hours_by_h) : null;
    const saving = profile ? yearOf(profile, pricing) : null;
    const meanW = profile ? profile.reduce((a, b) => a + b, 0) / 24 : null;
    const vms = counts.get(s.id) ?? 0;
    const action = vms > 0 ? 'consolidate' : 'power_down';
    idle.push({
      server_id: s.id,
      server: s.name,
      rack_id: s.rack_id,
      rack: rackName.get(s.rack_id) ?? null,
      status: s.status,
      vm_count: vms,
      action,
      evidence: {
        hours: c!.hours,
        hours_expected: expected,
        samples: c!.samples,
        mean_cpu_pct: v.mean_pct,
        max_hourly_cpu_pct: v.max_hourly_pct,
        peak_cpu_pct: v.peak_pct,
        mean_power_w: meanW === null ? null : Math.round(meanW),
        power_hours: p?.hours ?? 0,
      },
      saving,
      text:
        `CPU under ${IDLE_CPU_PCT} % in every one of ${c!.hours} hours measured (${fmt(c!.samples, 0)} samples, mean ` +
        `${v.mean_pct} %, busiest hour ${v.max_hourly_pct} %). ` +
        (action === 'consolidate'
          ? `Move its ${vms} VM${vms === 1 ? '' : 's'} to other hosts (VM placement → pack), then power it down.`
          : 'Nothing runs on it that the platform knows of: confirm with its owner, then power it down or decommission it.') +
        (saving
          ? ` Powering it down saves about ${fmt(saving.facility_kwh_year, 0)} kWh a year at the meter` +
            (saving.cost_year !== null
              ? ` (${fmt(saving.cost_year, 0)} ${saving.currency})`
              : ' (no tariff: cost unknown)') +
            ` from its measured ${Math.round(meanW!)} W.`
          : ' Its power draw is not measured, so no saving is claimed.'),
    });
  }
  idle.sort((a, b) => (b.saving?.facility_kwh_year ?? 0) - (a.saving?.facility_kwh_year ?? 0));

  // (2) power caps
  const caps = [];
  let capNoData = 0;
  for (const s of powered) {
    const p = power.get(s.id);
    if (!p || p.hours < expected * MIN_COVERAGE) {
      capNoData++;
      continue;
    }
    const cap = capFor(s.power_supply_w, p);
    if (!cap) continue;
    caps.push({
      server_id: s.id,
      server: s.name,
      rack_id: s.rack_id,
      rack: rackName.get(s.rack_id) ?? null,
      nameplate_w: s.power_supply_w,
      peak_w: Math.round(p.peak_w),
      p95_w: Math.round(p.p95_w),
      hours: p.hours,
      samples: p.samples,
      ...cap,
      text:
        `Peak ${Math.round(p.peak_w)} W (${cap.peak_pct_of_nameplate} % of its ${s.power_supply_w} W nameplate) over ` +
        `${p.hours} hours, ${fmt(p.samples, 0)} samples. A cap at ${cap.cap_w} W (peak + ${CAP_HEADROOM * 100} %) gives ` +
        `${cap.freed_w} W of the rack's power budget back. A cap limits peaks, it does not lower the draw: no energy saving is claimed.`,
    });
  }
  caps.sort((a, b) => b.freed_w - a.freed_w);

  // (3) PUE trend and its drivers: this week against the one before
  const previous = periodOf(pue.hours, w.from - expected * HOUR, w.from);
  const enough = (p: typeof previous) => p !== null && p.hours >= 24;
  const drivers = enough(previous) && enough(recentPue) ? driversOf(previous!, recentPue!) : null;
  const excessKw = recentPue ? excessOverKw(recentPue, site.dc.pue_target) : null;
  const excess =
    recentPue && excessKw !== null && excessKw > 0
      ? (() => {
          const y = facilityYearOf(excessKw, 1, pricing);
          return {
            overhead_kw: excessKw,
            kwh_year: y.kwh_year,
            cost_year: y.cost_year,
            currency: pricing.tariff?.currency ?? null,
            text:
              `PUE ${recentPue.pue.toFixed(3)} over the last ${IDLE_DAYS} days against a design target of ` +
              `${site.dc.pue_target!.toFixed(2)}: ${fmt(excessKw)} kW of overhead beyond the target for the same IT ` +
              `load, about ${fmt(y.kwh_year, 0)} kWh a year` +
              (y.cost_year !== null
                ? ` (${fmt(y.cost_year, 0)} ${pricing.tariff!.currency}).`
                : ' (no tariff: cost unknown).'),
          };
        })()
      : null;

  return {
    datacenter_id: site.dc.id,
    datacenter: site.dc.name,
    window: { from: iso(w.from), to: iso(w.to), hours: expected },
    pricing: pricingOut(pricing),
    idle: {
      rule: `CPU below ${IDLE_CPU_PCT} % in every hour (hourly means) for ${IDLE_DAYS} days, with at least ${MIN_COVERAGE * 100} % of the hours measured`,
      servers: idle,
      insufficient,
    },
    capping: {
      rule: `cap = measured peak + ${CAP_HEADROOM * 100} %, rounded up to 10 W; suggested when it frees at least ${MIN_FREED_SHARE * 100} % of the nameplate`,
      servers: caps,
      not_enough_data: capNoData,
    },
    pue: {
      design_target: site.dc.pue_target,
      recent: recentPue,
      previous,
      days: dailyPue(pue.hours.filter((h) => h.ts >= w.from - expected * HOUR && h.ts < w.to)),
      drivers,
      excess,
      note:
        pue.hours.length === 0
          ? 'No PUE history: the site needs a facility meter (facility_power_kw) reporting beside its racks.'
          : null,
    },
  };
}
