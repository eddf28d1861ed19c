// What a kWh at a site is worth: its tariff and PUE, the PUE measured over the window when the site has a meter.
import type { Pricing } from './savings';
import type { Period } from './pue-trend';
import type { Site } from './data';

export function pricingOf(site: Site, measured: Period | null): Pricing {
  const t = site.tariff;
  return {
    pue: measured ? measured.pue : site.dc.pue_target,
    pue_basis: measured ? 'measured' : site.dc.pue_target != null ? 'design target' : 'none',
    tariff: t ? { ...t, name: t.name, currency: t.currency } : null,
  };
}

export const pricingOut = (p: Pricing) => ({
  pue: p.pue,
  pue_basis: p.pue_basis,
  tariff: p.tariff?.name ?? null,
  currency: p.tariff?.currency ?? null,
  note: p.tariff
    ? null
    : 'No tariff prices this datacenter: savings are shown in kWh only; add a tariff (Cost → Tariffs) to see their cost.',
});
