import * as v from 'valibot';
import { id, int, name, num, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';
import { currency, money } from './common';

export const ENERGY_KINDS = ['flat', 'time_of_use'] as const;
export const AMORTISATION_METHODS = ['straight_line', 'declining_balance'] as const;

/** A time-of-use band: local hours [from_hour, to_hour) at its own price. */
export const Band = v.object({
  from_hour: int(0, 23),
  to_hour: int(1, 24),
  rate_per_kwh: money(1e6),
});
export type Band = v.InferOutput<typeof Band>;

export const TariffCreate = v.object({
  name: name(64),
  /** absent or null: the default tariff of every site without one of its own */
  datacenter_id: v.optional(v.nullable(id)),
  currency,
  energy_kind: v.optional(oneOf(ENERGY_KINDS)),
  rate_per_kwh: money(1e6),
  bands: v.optional(v.pipe(v.array(Band, 'must be a list of bands'), v.maxLength(24, 'at most 24 bands'))),
  utc_offset_hours: v.optional(int(-12, 14)),
  space_per_u_month: v.optional(v.nullable(money())),
  space_per_rack_month: v.optional(v.nullable(money())),
  amortisation_method: v.optional(oneOf(AMORTISATION_METHODS)),
  amortisation_years: int(1, 30),
  declining_factor: v.optional(v.nullable(num(1, 4))),
  description: optionalText(200),
});
export const TariffUpdate = v.partial(TariffCreate);

export const Tariff = v.object({
  ...timestampsOut,
  name: v.string(),
  datacenter_id: v.nullable(v.number()),
  datacenter_name: v.nullable(v.string()),
  currency: v.string(),
  energy_kind: v.picklist(ENERGY_KINDS),
  rate_per_kwh: v.number(),
  bands: v.array(Band),
  utc_offset_hours: v.number(),
  space_per_u_month: v.nullable(v.number()),
  space_per_rack_month: v.nullable(v.number()),
  amortisation_method: v.picklist(AMORTISATION_METHODS),
  amortisation_years: v.number(),
  declining_factor: v.nullable(v.number()),
  description: v.nullable(v.string()),
});
