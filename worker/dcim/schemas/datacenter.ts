import * as v from 'valibot';
import { LIFECYCLE, name, num, oneOf, optionalText, positive, timestampsOut } from '../../platform/schemas/common';

export const TIERS = ['Tier 1', 'Tier 2', 'Tier 3', 'Tier 4'] as const;
export const CERTIFICATIONS = [
  'ISO 27001',
  'ISO 9001',
  'ISO 14001',
  'ISO 50001',
  'SOC 1',
  'SOC 2',
  'PCI DSS',
  'HIPAA',
  'HITRUST',
  'FedRAMP',
  'GDPR',
  'Uptime Tier Certified',
  'LEED',
] as const;
export const DATACENTER_STATUSES = LIFECYCLE;

const ROMAN: Record<string, string> = { I: '1', II: '2', III: '3', IV: '4' };
/** "Tier 3", "Tier III", "III", "3" and 3 all mean Tier 3 (the spec writes both "Tier 3" and "Tier (I-IV)"). */
export function normalizeTier(input: string | number): string {
  if (typeof input === 'number') return `Tier ${input}`;
  const m = /^\s*(?:tier\s*)?([1-4]|i{1,3}|iv)\s*$/i.exec(input);
  if (!m) return input;
  const n = m[1].toUpperCase();
  return `Tier ${ROMAN[n] ?? n}`;
}

const tier = v.pipe(
  v.union([v.string(), v.number()], 'must be Tier 1 to Tier 4'),
  v.description('Uptime tier: "Tier 1" to "Tier 4"; "Tier III", "III" and 3 are accepted and stored as "Tier 3".'),
  v.transform(normalizeTier),
  oneOf(TIERS),
);

export const DatacenterCreate = v.object({
  name: name(64),
  location: optionalText(200),
  tier: v.optional(tier),
  total_space_sqm: v.optional(v.nullable(positive(10_000_000))),
  power_capacity_mw: v.optional(v.nullable(positive(10_000))),
  cooling_capacity_mw: v.optional(v.nullable(positive(10_000))),
  pue_target: v.optional(v.nullable(num(1, 3))),
  certifications: v.optional(
    v.pipe(
      v.array(oneOf(CERTIFICATIONS), 'must be a list of certifications'),
      v.transform((list) => [...new Set(list)]),
    ),
  ),
  status: v.optional(oneOf(DATACENTER_STATUSES)),
});
export const DatacenterUpdate = v.partial(DatacenterCreate);
export const Datacenter = v.object({
  ...DatacenterCreate.entries,
  ...timestampsOut,
  rack_count: v.number(),
  server_count: v.number(),
});
export type DatacenterInput = v.InferInput<typeof DatacenterCreate>;
