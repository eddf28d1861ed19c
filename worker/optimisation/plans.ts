import { sql } from 'drizzle-orm';
import type { ResourceDef } from '../platform/http/resource';
import { visibleWhere } from '../platform/access/entities';
import { mayNeedStepUp, requireStepUpForZones } from '../platform/identity/step-up';
import { placementPlanEntity } from './access';
import { PLAN_GOALS, PLAN_STATUSES, PlacementPlan } from './schemas/placement-plan';
import { placementPlans } from './tables';

/** Audit entries of plans keep the summary, not the per-host and per-move detail (the plan row keeps those). */
export const PLAN_AUDIT = {
  table: placementPlans,
  entityType: 'vm_placement_plan',
  hidden: ['hosts', 'moves', 'unplaceable'],
} as const;

/** Placement plans: made by POST (planner.ts), decided by approve/reject, carried out by the cron (execute.ts). */
export const plansResource: ResourceDef = {
  path: '/optimisation/placement-plans',
  entity: 'vm_placement_plan',
  label: 'placement plan',
  tag: 'Optimisation',
  table: placementPlans,
  schemas: { output: PlacementPlan },
  ops: ['list', 'get'],
  filters: {
    datacenter_id: { type: 'int' },
    status: { type: 'string', values: PLAN_STATUSES },
    goal: { type: 'string', values: PLAN_GOALS },
  },
  sortable: ['id', 'created_at', 'status', 'goal', 'datacenter_id'],
  defaultSort: '-id',
  searchable: ['requested_by', 'decided_by'],
  scope: (ctx) => visibleWhere(ctx, placementPlanEntity),
  // a plan reads like its hosts: in a zone with step-up, a single read asks for it
  guard: (ctx, rows) => {
    if (mayNeedStepUp(ctx))
      requireStepUpForZones(
        ctx,
        rows.map((r) => String(r.security_zone)),
      );
  },
  computed: () => ({
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = placement_plans.datacenter_id)'),
  }),
  access: { read: 'inventory:read', write: 'vms:operate' },
  description:
    'VM placement plans for a datacenter: the moves that pack its VMs onto the fewest hosts (freeing the rest for ' +
    'power-down) or spread them for the lowest peak, with every host before and after. Proposed plans change ' +
    'nothing; an approved one is carried out as live migrations, a wave at a time.',
};
