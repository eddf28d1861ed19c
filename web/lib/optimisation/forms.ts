// The new-plan form, validated by the API's own schema (worker/optimisation/schemas/placement-plan.ts).
import { PLAN_GOALS } from '$worker/optimisation/schemas/placement-plan';
import type { Section, Values } from '../forms';
import type { Datacenter } from '../types';

const GOAL_LABELS: Record<(typeof PLAN_GOALS)[number], string> = {
  pack: 'Pack: fewest hosts, free the rest for power-down',
  spread: 'Spread: lowest peak utilisation',
};

export const PLAN_DEFAULTS: Values = { goal: 'pack', headroom_pct: '10' };

export const planSections = (datacenters: Datacenter[]): Section[] => [
  {
    title: 'Plan',
    description: 'Works out where every VM of the site should run. Nothing moves until someone else approves the plan.',
    fields: [
      {
        name: 'datacenter_id',
        label: 'Datacenter',
        type: 'select',
        numeric: true,
        required: true,
        emptyOption: 'Select a datacenter…',
        options: datacenters.map((d) => ({ value: String(d.id), label: d.name })),
      },
      {
        name: 'goal',
        label: 'Goal',
        type: 'select',
        options: PLAN_GOALS.map((g) => ({ value: g, label: GOAL_LABELS[g] })),
        span: 2,
      },
      {
        name: 'headroom_pct',
        label: 'Headroom',
        type: 'integer',
        unit: '%',
        help: 'Kept free on every host after overcommit (0 to 90)',
      },
    ],
  },
];

/** "0.556" → "55.6 %" */
export const pctOf = (share: number) => `${(share * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })} %`;
