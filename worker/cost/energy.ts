// Energy prices, pure: which price a kWh has at each hour, and what a day's profile of IT energy costs.
import type { Band } from './schemas/tariff';

export interface EnergyTariff {
  energy_kind: 'flat' | 'time_of_use';
  rate_per_kwh: number;
  bands: Band[];
  utc_offset_hours: number;
}

/** The price of a kWh drawn during UTC hour `utcHour` (0-23): its local hour's band, or the base rate. */
export function rateAt(t: EnergyTariff, utcHour: number): number {
  if (t.energy_kind === 'flat') return t.rate_per_kwh;
  const local = (((utcHour + t.utc_offset_hours) % 24) + 24) % 24;
  return t.bands.find((b) => local >= b.from_hour && local < b.to_hour)?.rate_per_kwh ?? t.rate_per_kwh;
}

/**
 * The cost of IT energy drawn at each UTC hour of the day (`whByHour[h]`, watt-hours) once the facility's
 * overhead is added: kWh × PUE × the hour's price.
 */
export function energyCost(whByHour: readonly number[], pue: number, t: EnergyTariff): number {
  return whByHour.reduce((sum, wh, h) => sum + (wh / 1000) * pue * rateAt(t, h), 0);
}

/** Overlapping time-of-use bands, as field errors: a local hour has one price. */
export function bandErrors(bands: readonly Band[]): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  bands.forEach((b, i) => {
    if (b.to_hour <= b.from_hour)
      errors.push({
        field: `bands[${i}].to_hour`,
        message: 'must be after from_hour (a band cannot wrap midnight: split it in two)',
      });
    const clash = bands.findIndex((o, j) => j < i && b.from_hour < o.to_hour && o.from_hour < b.to_hour);
    if (clash >= 0)
      errors.push({
        field: `bands[${i}].from_hour`,
        message: `overlaps band ${clash} (${bands[clash].from_hour}-${bands[clash].to_hour} h)`,
      });
  });
  return errors;
}
