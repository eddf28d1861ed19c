// What a steady draw costs over a year, pure: the cost domain's own arithmetic (kWh × PUE × the hour's price),
// so a saving here and a cost on the cost pages never disagree.
import { energyCost, type EnergyTariff } from '../cost/energy';

export const DAYS_PER_YEAR = 365;

export interface Pricing {
  /** facility over IT energy; null: no meter and no design target, so only IT energy is counted */
  pue: number | null;
  pue_basis: 'measured' | 'design target' | 'none';
  tariff: (EnergyTariff & { name: string; currency: string }) | null;
}

export interface Saving {
  it_kwh_year: number;
  facility_kwh_year: number;
  /** null without a tariff: kWh only, never a made-up price */
  cost_year: number | null;
  currency: string | null;
  basis: string;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A year of a daily profile of IT power, `wByHour[h]` the mean W drawn during UTC hour h (a mean W over an hour is
 * that hour's Wh): the IT kWh, the facility kWh once the site's overhead (PUE) is added, and their cost.
 */
export function yearOf(wByHour: readonly number[], p: Pricing): Saving {
  const itKwhDay = wByHour.reduce((a, b) => a + b, 0) / 1000;
  const pue = p.pue ?? 1;
  const it = itKwhDay * DAYS_PER_YEAR;
  const cost = p.tariff ? energyCost(wByHour, pue, p.tariff) * DAYS_PER_YEAR : null;
  const pueText = p.pue === null ? 'no PUE known (IT energy only)' : `PUE ${p.pue.toFixed(2)} (${p.pue_basis})`;
  return {
    it_kwh_year: r1(it),
    facility_kwh_year: r1(it * pue),
    cost_year: cost === null ? null : r2(cost),
    currency: p.tariff?.currency ?? null,
    basis: p.tariff
      ? `${DAYS_PER_YEAR} days of the measured daily profile × ${pueText} × tariff “${p.tariff.name}”`
      : `${DAYS_PER_YEAR} days of the measured daily profile × ${pueText}; the cost needs a tariff (Cost → Tariffs)`,
  };
}

/** A year of facility-side power (overhead: already at the meter, so no PUE on top), scaled by `share`. */
export function facilityYearOf(kw: number, share: number, p: Pricing): { kwh_year: number; cost_year: number | null } {
  const wByHour = new Array<number>(24).fill(kw * 1000 * share);
  const kwh = kw * share * 24 * DAYS_PER_YEAR;
  return {
    kwh_year: r1(kwh),
    cost_year: p.tariff ? r2(energyCost(wByHour, 1, p.tariff) * DAYS_PER_YEAR) : null,
  };
}
