// The TCO scenario form: its fields and the defaults a generation of the estate gives them. Values are checked
// with the API's own TcoRequest schema (worker/cost/schemas/tco.ts).
import type { Section, Values } from '../forms';
import type { TcoGroup } from './types';

export function tcoSections(currency: string): Section[] {
  return [
    {
      title: 'Horizon',
      fields: [
        { name: 'horizon_years', label: 'Horizon', type: 'integer', unit: 'years', required: true, help: '3 to 5' },
        { name: 'currency', label: 'Currency', type: 'text', placeholder: 'EUR', help: 'Labels the amounts' },
      ],
    },
    {
      title: 'Kept generation',
      description: 'The servers you have: what one draws on average, its support contract and its height.',
      fields: [
        { name: 'count', label: 'Servers', type: 'integer', required: true },
        { name: 'age_years', label: 'Age', type: 'number', unit: 'years', step: 'any', required: true },
        { name: 'power_w', label: 'Mean power per server', type: 'number', unit: 'W', step: 'any', required: true },
        {
          name: 'support_per_year',
          label: 'Support per server',
          type: 'number',
          unit: `${currency}/year`,
          step: 'any',
          required: true,
        },
        { name: 'u_per_server', label: 'Height', type: 'integer', unit: 'U', required: true },
        {
          name: 'residual_value',
          label: 'Resale value per server',
          type: 'number',
          unit: currency,
          step: 'any',
          nullable: true,
          help: 'What an old server fetches when refreshed (optional)',
        },
      ],
    },
    {
      title: 'Replacement',
      description: 'The new servers: price, draw, support and how many old ones each replaces.',
      fields: [
        { name: 'new_price', label: 'Price per server', type: 'number', unit: currency, step: 'any', required: true },
        { name: 'new_power_w', label: 'Mean power per server', type: 'number', unit: 'W', step: 'any', required: true },
        {
          name: 'consolidation_ratio',
          label: 'Consolidation ratio',
          type: 'number',
          step: 'any',
          required: true,
          help: 'Old servers one new one replaces (1.5: 2 new for 3 old)',
        },
        {
          name: 'new_support_per_year',
          label: 'Support per server',
          type: 'number',
          unit: `${currency}/year`,
          step: 'any',
          required: true,
        },
        { name: 'new_u_per_server', label: 'Height', type: 'integer', unit: 'U', required: true },
      ],
    },
    {
      title: 'Prices',
      description: 'From the site’s tariff and PUE by default.',
      fields: [
        { name: 'price_per_kwh', label: 'Price per kWh', type: 'number', unit: currency, step: 'any', required: true },
        { name: 'pue', label: 'PUE', type: 'number', step: 'any', required: true, help: '1 to 5' },
        {
          name: 'space_per_u_month',
          label: 'Space per U',
          type: 'number',
          unit: `${currency}/month`,
          step: 'any',
          required: true,
        },
      ],
    },
  ];
}

/** The form's starting values for a generation: the estate's figures, its suggested refresh, the site's prices. */
export function tcoDefaults(g: TcoGroup | null): Values {
  if (!g) return { horizon_years: 5, consolidation_ratio: 1, pue: 1.5, u_per_server: 1, new_u_per_server: 1 };
  return {
    horizon_years: 5,
    currency: g.currency ?? '',
    count: g.count,
    age_years: g.age_years ?? '',
    power_w: g.power_w,
    support_per_year: g.support_per_year,
    u_per_server: g.u_per_server,
    new_price: g.refresh.new_price ?? '',
    new_power_w: g.refresh.new_power_w ?? '',
    consolidation_ratio: g.refresh.consolidation_ratio,
    new_support_per_year: g.refresh.new_support_per_year,
    new_u_per_server: g.refresh.new_u_per_server,
    price_per_kwh: g.price_per_kwh ?? '',
    pue: g.pue,
    space_per_u_month: g.space_per_u_month,
  };
}
