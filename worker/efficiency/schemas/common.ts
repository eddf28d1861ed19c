import * as v from 'valibot';

export const n = v.number();
export const nn = v.nullable(v.number());
export const s = v.string();
export const ns = v.nullable(v.string());

export const WindowOut = v.object({ from: s, to: s, hours: n });

export const PricingOut = v.object({
  /** the PUE savings are grossed up by: measured over the last 7 days, else the design target, else none */
  pue: nn,
  pue_basis: v.picklist(['measured', 'design target', 'none']),
  tariff: ns,
  currency: ns,
  /** set when there is no tariff: savings are in kWh only */
  note: ns,
});
