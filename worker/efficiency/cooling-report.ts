// Cooling for one site: every visible rack's inlet against the ASHRAE A1 envelope, the room's spread, how far the
// setpoint could rise and what that would save, and VMs to move off hot racks.
import type { ServiceContext } from '../platform/context';
import { pueReport } from '../ai/pue';
import { inletHours, lastHours, loadSite } from './data';
import {
  ENVELOPE,
  IMBALANCE_SPREAD_C,
  SETPOINT_MARGIN_C,
  SETPOINT_RULE,
  raiseShare,
  rackInlet,
  roomSpread,
  setpointRaise,
} from './cooling';
import { periodOf } from './pue-trend';
import { facilityYearOf } from './savings';
import { pricingOf, pricingOut } from './pricing';
import { loadMoves } from './moves';

interface Setpoint {
  recommended: boolean;
  hottest_rack_id: number | null;
  hottest_rack: string | null;
  hottest_c: number | null;
  headroom_c: number | null;
  margin_c: number;
  raise_c: number;
  saving: Record<string, number | string | null> | null;
  text: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d });

export async function coolingReport(
  ctx: ServiceContext,
  q: { datacenter_id: number; hours: number },
  now = Date.now(),
) {
  const w = lastHours(q.hours, now);
  const site = await loadSite(ctx, q.datacenter_id);
  const [inlets, pue] = await Promise.all([
    inletHours(ctx, site.dc.id, w),
    pueReport(ctx, { datacenter_id: site.dc.id, days: 8 }, now),
  ]);
  const racks = site.racks.map((r) => {
    const own = inlets.rack.get(r.id);
    const fromServers = inlets.servers.get(r.id);
    const source = own?.length ? 'rack sensor' : fromServers?.length ? 'warmest server inlet' : 'none';
    return {
      rack_id: r.id,
      rack: r.name,
      row: r.row,
      cooling_type: r.cooling_type,
      source,
      ...rackInlet(own?.length ? own : (fromServers ?? [])),
    };
  });
  const room = roomSpread(racks);
  const measured = racks.filter((r) => r.max_c !== null);
  const hot = racks.filter((r) => r.status === 'hot');
  const overcooled = racks.filter((r) => r.status === 'overcooled');

  // the setpoint: the hottest hour of the hottest rack decides how much room there is
  const week = lastHours(7 * 24, now);
  const recent = periodOf(pue.hours, week.from, week.to);
  const pricing = pricingOf(site, recent);
  const hottest = measured.length ? measured.reduce((a, b) => (b.max_c! > a.max_c! ? b : a)) : null;
  let setpoint: Setpoint;
  if (!hottest) {
    setpoint = {
      recommended: false,
      hottest_rack_id: null,
      hottest_rack: null,
      hottest_c: null,
      headroom_c: null,
      margin_c: SETPOINT_MARGIN_C,
      raise_c: 0,
      saving: null,
      text: 'No inlet temperatures measured in the window: nothing to base a setpoint on.',
    };
  } else {
    const { headroom_c, raise_c } = setpointRaise(hottest.max_c!);
    const base = {
      hottest_rack_id: hottest.rack_id,
      hottest_rack: hottest.rack,
      hottest_c: hottest.max_c!,
      headroom_c,
      margin_c: SETPOINT_MARGIN_C,
      raise_c,
    };
    if (raise_c <= 0) {
      setpoint = {
        recommended: false,
        ...base,
        saving: null,
        text:
          hottest.max_c! > ENVELOPE.max_c
            ? `${hottest.rack} is already above ${ENVELOPE.max_c} °C (${hottest.max_c} °C): fix the hot spot before any setpoint raise.`
            : `The hottest rack, ${hottest.rack}, reached ${hottest.max_c} °C: under ${SETPOINT_MARGIN_C} °C of headroom below ${ENVELOPE.max_c} °C, so no raise.`,
      };
    } else {
      const share = raiseShare(raise_c);
      const saving = recent
        ? {
            overhead_kw: recent.overhead_kw,
            overhead_hours: recent.hours,
            kwh_year_low: facilityYearOf(recent.overhead_kw, share.low, pricing).kwh_year,
            kwh_year: facilityYearOf(recent.overhead_kw, share.central, pricing).kwh_year,
            kwh_year_high: facilityYearOf(recent.overhead_kw, share.high, pricing).kwh_year,
            cost_year_low: facilityYearOf(recent.overhead_kw, share.low, pricing).cost_year,
            cost_year: facilityYearOf(recent.overhead_kw, share.central, pricing).cost_year,
            cost_year_high: facilityYearOf(recent.overhead_kw, share.high, pricing).cost_year,
            currency: pricing.tariff?.currency ?? null,
          }
        : null;
      setpoint = {
        recommended: true,
        ...base,
        saving,
        text:
          `The hottest rack, ${hottest.rack}, peaked at ${hottest.max_c} °C (hourly mean): ${headroom_c} °C below ` +
          `${ENVELOPE.max_c} °C. Raising the cooling setpoint by ${raise_c} °C keeps ${SETPOINT_MARGIN_C} °C in hand. ` +
          (saving
            ? `At ${SETPOINT_RULE.pct_per_c} % of cooling energy per °C (range ${SETPOINT_RULE.low_pct_per_c}–${SETPOINT_RULE.high_pct_per_c} %) ` +
              `of the site's ${fmt(saving.overhead_kw)} kW facility overhead (facility − IT, an upper bound for cooling), ` +
              `that is an estimated ${fmt(saving.kwh_year, 0)} kWh a year (${fmt(saving.kwh_year_low, 0)}–${fmt(saving.kwh_year_high, 0)})` +
              (saving.cost_year !== null
                ? `, ${fmt(saving.cost_year, 0)} ${saving.currency} (${fmt(saving.cost_year_low!, 0)}–${fmt(saving.cost_year_high!, 0)}).`
                : '; the cost needs a tariff.')
            : 'The saving cannot be estimated: the site has no facility meter, so its cooling energy is unknown.'),
      };
    }
  }

  const { moves, stuck } = await loadMoves(ctx, racks, site.servers);
  return {
    datacenter_id: site.dc.id,
    datacenter: site.dc.name,
    window: { from: iso(w.from), to: iso(w.to), hours: q.hours },
    envelope: {
      ...ENVELOPE,
      name: 'ASHRAE A1 recommended',
      text: `ASHRAE TC 9.9's recommended range for class A1 equipment: ${ENVELOPE.min_c}–${ENVELOPE.max_c} °C at the server inlet.`,
    },
    pricing: pricingOut(pricing),
    racks,
    summary: {
      racks: racks.length,
      measured: measured.length,
      hot: hot.length,
      overcooled: overcooled.length,
      no_data: racks.length - measured.length,
    },
    room: {
      ...room,
      threshold_c: IMBALANCE_SPREAD_C,
      text:
        room.spread_c === null
          ? 'Fewer than two racks measured: no spread to judge.'
          : `Coldest ${room.coldest!.rack} at ${room.coldest!.mean_c} °C, hottest ${room.hottest!.rack} at ${room.hottest!.mean_c} °C ` +
            `(means over the window): ${room.spread_c} °C apart` +
            (room.imbalanced
              ? `, more than ${IMBALANCE_SPREAD_C} °C (our threshold, not a standard): look for recirculation, bypass air, missing blanking panels or misplaced perforated tiles.`
              : `, within ${IMBALANCE_SPREAD_C} °C.`),
    },
    setpoint,
    rule: SETPOINT_RULE,
    moves,
    unplaced: stuck,
  };
}
