// What the playbook form picks from: alert rules, datacenters and workloads.
import { api } from '$lib/api';

interface Named {
  id: number;
  name: string;
}
export async function pickerData() {
  const [rules, datacenters, workloads, groups] = await Promise.all([
    api.all<Named>('/alert-rules', { sort: 'name' }),
    api.all<Named>('/datacenters', { sort: 'name' }),
    api.all<Named>('/containers', { sort: 'name' }).catch(() => [] as Named[]),
    api.all<Named>('/vm-scaling-groups', { sort: 'name' }).catch(() => [] as Named[]),
  ]);
  return { rules, datacenters, workloads, groups };
}
