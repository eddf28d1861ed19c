import { declareEntity } from '../platform/access/entities';

// A plan is as secret as the most secret host it moves VMs on or off (stored on the plan when it is made).
export const placementPlanEntity = declareEntity({
  type: 'vm_placement_plan',
  table: 'placement_plans',
  zone: { column: 'security_zone' },
});
