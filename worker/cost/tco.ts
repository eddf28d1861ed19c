// Keep or refresh a server generation, pure: the cumulative cost of each choice year by year, by component.
// Both choices pay for energy, support and space every year; refreshing also buys the new servers up front (less
// what the old ones fetch), so it pays off once the running cost it saves has covered that.

export const HOURS_PER_YEAR = 8760;

export interface TcoScenario {
  horizon_years: number;
  /** the generation kept: how many, the mean draw of one (W), age today (years), support per server and year, U */
  count: number;
  power_w: number;
  age_years: number;
  support_per_year: number;
  u_per_server: number;
  /** the replacement: price, mean draw, support and U of one new server; how many old ones one new one replaces */
  new_price: number;
  new_power_w: number;
  consolidation_ratio: number;
  new_support_per_year: number;
  new_u_per_server: number;
  price_per_kwh: number;
  pue: number;
  space_per_u_month: number;
  /** what one old server fetches when sold (0 when not given) */
  residual_value?: number | null;
}

export interface TcoComponents {
  capex: number;
  energy: number;
  support: number;
  space: number;
  total: number;
}
export interface TcoYear {
  /** 0: the start (only the purchase); n: the end of year n */
  year: number;
  keep: TcoComponents & { cumulative: number };
  refresh: TcoComponents & { cumulative: number };
}
export interface TcoResult {
  new_count: number;
  /** per year of running (energy + support + space) */
  keep_per_year: TcoComponents;
  refresh_per_year: TcoComponents;
  /** the purchase less the residual value of the old servers */
  net_capex: number;
  /** what refreshing saves each year once bought (negative: it costs more to run) */
  running_saving_per_year: number;
  years: TcoYear[];
  /** when the cumulative costs cross (years from now, fractional), null when not within the horizon */
  break_even_years: number | null;
  /** the first year at whose end refreshing has cost no more than keeping; null when none within the horizon */
  break_even_year: number | null;
  kwh_per_year: { keep: number; refresh: number };
  fleet_age_at_end: number;
  formula: string;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** A year of running `n` servers of `w` watts, `support` each and `u` U each. */
function running(n: number, w: number, support: number, u: number, s: TcoScenario) {
  const kwh = (n * w * HOURS_PER_YEAR * s.pue) / 1000;
  const energy = kwh * s.price_per_kwh;
  const sup = n * support;
  const space = n * u * s.space_per_u_month * 12;
  return { kwh, c: { capex: 0, energy, support: sup, space, total: energy + sup + space } };
}

export function tco(s: TcoScenario): TcoResult {
  // a part of a server cannot be bought: 10 old ones at 1.5 to 1 need 7 new ones
  const newCount = Math.ceil(s.count / s.consolidation_ratio - 1e-9);
  const keep = running(s.count, s.power_w, s.support_per_year, s.u_per_server, s);
  const refresh = running(newCount, s.new_power_w, s.new_support_per_year, s.new_u_per_server, s);
  const capex = newCount * s.new_price - s.count * (s.residual_value ?? 0);
  const saving = keep.c.total - refresh.c.total;
  const years: TcoYear[] = [];
  for (let y = 0; y <= s.horizon_years; y++) {
    const k = { capex: 0, energy: keep.c.energy * y, support: keep.c.support * y, space: keep.c.space * y };
    const r = {
      capex,
      energy: refresh.c.energy * y,
      support: refresh.c.support * y,
      space: refresh.c.space * y,
    };
    const kt = k.energy + k.support + k.space;
    const rt = r.capex + r.energy + r.support + r.space;
    years.push({
      year: y,
      keep: {
        capex: 0,
        energy: r2(k.energy),
        support: r2(k.support),
        space: r2(k.space),
        total: r2(kt),
        cumulative: r2(kt),
      },
      refresh: {
        capex: r2(r.capex),
        energy: r2(r.energy),
        support: r2(r.support),
        space: r2(r.space),
        total: r2(rt),
        cumulative: r2(rt),
      },
    });
  }
  // running costs accrue evenly through a year, so the lines are straight and cross at capex / saving
  let t: number | null = capex <= 0 && saving >= 0 ? 0 : saving > 0 ? capex / saving : null;
  if (t !== null && t > s.horizon_years) t = null;
  const round = (x: typeof keep.c) => ({
    capex: 0,
    energy: r2(x.energy),
    support: r2(x.support),
    space: r2(x.space),
    total: r2(x.total),
  });
  return {
    new_count: newCount,
    keep_per_year: round(keep.c),
    refresh_per_year: round(refresh.c),
    net_capex: r2(capex),
    running_saving_per_year: r2(saving),
    years,
    break_even_years: t === null ? null : Math.round(t * 100) / 100,
    break_even_year: t === null ? null : Math.max(0, Math.ceil(t - 1e-9)),
    kwh_per_year: { keep: Math.round(keep.kwh), refresh: Math.round(refresh.kwh) },
    fleet_age_at_end: s.age_years + s.horizon_years,
    formula:
      `energy per year = servers × W × ${HOURS_PER_YEAR} h × PUE / 1000 × price per kWh; support = servers × support ` +
      'per server; space = servers × U × price per U-month × 12; refresh buys ⌈count / consolidation ratio⌉ new ' +
      'servers in year 0 (less the residual value of the old ones); break-even = net purchase / yearly running saving',
  };
}
