// Form definitions of tariffs, contracts and budgets; values are validated by the API's own valibot schemas
// (worker/cost/schemas), imported by the pages.
import { AMORTISATION_METHODS, ENERGY_KINDS, type Band } from '$worker/cost/schemas/tariff';
import { BILLINGS, CONTRACT_KINDS, CONTRACT_SCOPES } from '$worker/cost/schemas/contract';
import { BUDGET_PERIODS, BUDGET_SCOPES } from '$worker/cost/schemas/budget';
import { humanize } from '../format';
import type { Option, Section, Values } from '../forms';
import type { Datacenter } from '../types';

const enumOptions = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, label: humanize(v) }));
const siteOptions = (datacenters: Datacenter[]): Option[] =>
  datacenters.map((d) => ({ value: String(d.id), label: d.name }));

export function tariffSections(ctx: { datacenters: Datacenter[] }): Section[] {
  return [
    {
      title: 'Tariff',
      description: 'One per datacenter; the one without a datacenter prices every site that has none of its own.',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'Frankfurt grid 2025' },
        {
          name: 'datacenter_id',
          label: 'Datacenter',
          type: 'select',
          numeric: true,
          nullable: true,
          emptyOption: 'Default (every other site)',
          options: siteOptions(ctx.datacenters),
        },
        {
          name: 'currency',
          label: 'Currency',
          type: 'text',
          required: true,
          placeholder: 'EUR',
          help: 'ISO 4217 code',
        },
        { name: 'description', label: 'Description', type: 'text', nullable: true },
      ],
    },
    {
      title: 'Energy',
      description: 'Metered (or allocated) IT energy × the site’s PUE × this price.',
      fields: [
        { name: 'energy_kind', label: 'Pricing', type: 'select', options: enumOptions(ENERGY_KINDS) },
        {
          name: 'rate_per_kwh',
          label: 'Price per kWh',
          type: 'number',
          required: true,
          step: 'any',
          help: (v: Values) => (v.energy_kind === 'time_of_use' ? 'Outside every band' : undefined),
        },
        {
          name: 'utc_offset_hours',
          label: 'UTC offset of the bands',
          type: 'integer',
          unit: 'h',
          help: 'Band hours are local: UTC plus this',
        },
      ],
    },
    {
      title: 'Space and hardware',
      fields: [
        { name: 'space_per_u_month', label: 'Space per U and month', type: 'number', nullable: true, step: 'any' },
        {
          name: 'space_per_rack_month',
          label: 'Space per rack and month',
          type: 'number',
          nullable: true,
          step: 'any',
        },
        { name: 'amortisation_method', label: 'Write-off', type: 'select', options: enumOptions(AMORTISATION_METHODS) },
        { name: 'amortisation_years', label: 'Over', type: 'integer', required: true, unit: 'years' },
        {
          name: 'declining_factor',
          label: 'Declining factor',
          type: 'number',
          nullable: true,
          step: 'any',
          help: 'Yearly rate = factor / years; empty reads as 2 (double-declining)',
          disabled: (v: Values) => v.amortisation_method !== 'declining_balance',
        },
      ],
    },
  ];
}

/** Bands as people type them: "7-19 0.30, 19-23 0.25" (local hours from-to, price). */
export function parseBands(text: string): Band[] {
  return text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\d{1,2})\s*-\s*(\d{1,2})\s*[:=@ ]\s*([\d.]+)$/.exec(s);
      return m
        ? { from_hour: Number(m[1]), to_hour: Number(m[2]), rate_per_kwh: Number(m[3]) }
        : { from_hour: NaN, to_hour: NaN, rate_per_kwh: NaN };
    });
}
export const bandsText = (bands: readonly Band[]) =>
  bands.map((b) => `${b.from_hour}-${b.to_hour} ${b.rate_per_kwh}`).join(', ');

const scopeFields = (scopes: readonly string[], targets: Record<string, Option[]>, valued: boolean) => [
  {
    name: 'scope_type',
    label: 'Covers',
    type: 'select' as const,
    options: enumOptions(scopes),
    onchange: (v: Values) => {
      v.scope_id = '';
      v.scope_value = '';
    },
  },
  {
    name: 'scope_id',
    label: 'Which',
    type: 'select' as const,
    numeric: true,
    nullable: true,
    emptyOption: 'Select…',
    options: (v: Values) => targets[String(v.scope_type ?? '')] ?? [],
    disabled: (v: Values) => !targets[String(v.scope_type ?? '')],
  },
  ...(valued
    ? [
        {
          name: 'scope_value',
          label: 'Owner or tag',
          type: 'text' as const,
          nullable: true,
          disabled: (v: Values) => !['owner', 'tag'].includes(String(v.scope_type ?? '')),
        },
      ]
    : []),
];

export function contractSections(targets: Record<string, Option[]>): Section[] {
  return [
    {
      title: 'Contract',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true },
        { name: 'kind', label: 'Kind', type: 'select', options: enumOptions(CONTRACT_KINDS) },
        { name: 'vendor', label: 'Vendor', type: 'text', nullable: true },
        ...scopeFields(CONTRACT_SCOPES, targets, false),
      ],
    },
    {
      title: 'Charges',
      fields: [
        { name: 'amount', label: 'Amount', type: 'number', required: true, step: 'any' },
        { name: 'currency', label: 'Currency', type: 'text', required: true, placeholder: 'EUR' },
        { name: 'billing', label: 'Per', type: 'select', options: enumOptions(BILLINGS) },
        { name: 'starts_on', label: 'Starts', type: 'date', required: true },
        { name: 'ends_on', label: 'Ends', type: 'date', nullable: true, help: 'Exclusive; empty: open-ended' },
        { name: 'description', label: 'Description', type: 'text', nullable: true },
      ],
    },
  ];
}

export function budgetSections(targets: Record<string, Option[]>): Section[] {
  return [
    {
      title: 'Budget',
      description: 'The scope’s cost per calendar period; the forecast carries the period-to-date rate to its end.',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true },
        ...scopeFields(BUDGET_SCOPES, targets, true),
        { name: 'period', label: 'Period', type: 'select', options: enumOptions(BUDGET_PERIODS) },
        { name: 'amount', label: 'Amount', type: 'number', required: true, step: 'any' },
        { name: 'currency', label: 'Currency', type: 'text', required: true, placeholder: 'EUR' },
        {
          name: 'alert_at_pct',
          label: 'Alert at',
          type: 'integer',
          nullable: true,
          unit: '%',
          help: 'Raise an alert when the forecast reaches this share; empty: no alert',
        },
      ],
    },
  ];
}

export const TARIFF_DEFAULTS = { energy_kind: 'flat', utc_offset_hours: '0', amortisation_method: 'straight_line' };
export const CONTRACT_DEFAULTS = { kind: 'support', scope_type: 'estate', billing: 'yearly' };
export const BUDGET_DEFAULTS = { scope_type: 'estate', period: 'month' };
