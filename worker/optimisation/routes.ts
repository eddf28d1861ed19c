import type { Api } from '../platform/http/api';
import { IdParams, mountResource } from '../platform/http/resource';
import { plansResource } from './plans';
import { proposePlan } from './planner';
import { approvePlan, rejectPlan } from './execute';
import { PlacementPlan, PlanCreate, PlanDecision } from './schemas/placement-plan';

export function mountOptimisation(api: Api) {
  mountResource(api, plansResource);

  api.op(
    {
      method: 'post',
      path: '/optimisation/placement-plans',
      summary: "Work out a VM placement plan for a datacenter's hosts: pack (fewest hosts) or spread (lowest peak)",
      description:
        'A dry run: the plan is kept as proposed and nothing moves until it is approved. The solver places every ' +
        'VM by vCPU, RAM and disk within each host’s overcommit ratios less the headroom, keeps anti-affinity ' +
        'groups apart, moves VMs only to hosts of their hypervisor and of no lower zone, empties hosts in ' +
        'maintenance (or under an approved maintenance window within 24 h), and looks for the fewest moves that ' +
        'reach its result. Busy VMs (an operation in flight) and VMs not running or stopped stay where they are.',
      tags: ['Optimisation'],
      access: 'vms:operate',
      body: PlanCreate,
      responses: [
        { status: 201, description: 'The proposed plan', schema: PlacementPlan, complete: true },
        { status: 422, description: 'Invalid fields, or no VM hosts in the datacenter' },
      ],
    },
    async (c, { ctx, body }) => c.json(await proposePlan(ctx, body), 201),
  );

  api.op(
    {
      method: 'post',
      path: '/optimisation/placement-plans/{id}/approve',
      summary: 'Approve a proposed plan: its moves start as live migrations, a wave at a time',
      description:
        'Four eyes: whoever asked for the plan does not approve it, unless an admin. Refused (409) when a VM of ' +
        'the plan has moved since; a plan in a zone with step-up needs a fresh passkey confirmation. The cron ' +
        'queues each next move once its target has room, and marks the plan completed, or failed at the first ' +
        'failed migration.',
      tags: ['Optimisation'],
      access: 'vms:operate',
      params: IdParams,
      responses: [
        { status: 200, description: 'The plan, now executing', schema: PlacementPlan, complete: true },
        { status: 403, description: 'The requester approving their own plan' },
        { status: 404, description: 'No such plan' },
        { status: 409, description: 'Not proposed, or the estate changed since it was made' },
      ],
    },
    async (c, { ctx, params }) => c.json(await approvePlan(ctx, params.id)),
  );

  api.op(
    {
      method: 'post',
      path: '/optimisation/placement-plans/{id}/reject',
      summary: 'Reject a proposed plan, with a reason',
      tags: ['Optimisation'],
      access: 'vms:operate',
      params: IdParams,
      body: PlanDecision,
      responses: [
        { status: 200, description: 'The plan, rejected', schema: PlacementPlan, complete: true },
        { status: 404, description: 'No such plan' },
        { status: 409, description: 'Not proposed' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await rejectPlan(ctx, params.id, body.reason)),
  );
}
