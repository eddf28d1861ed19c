// What a contract or budget can cover, as select options per scope kind (what the caller may see).
import { api } from '../api';
import type { Option } from '../forms';

type Named = { id: number; name: string };

export async function scopeTargets(withVms: boolean): Promise<Record<string, Option[]>> {
  const opts = (rows: Named[]) => rows.map((r) => ({ value: String(r.id), label: r.name }));
  const [dcs, racks, servers, vms] = await Promise.all([
    api.all<Named>('/datacenters', { sort: 'name' }),
    api.all<Named>('/racks', { sort: 'name' }),
    api.all<Named>('/servers', { sort: 'name' }),
    withVms ? api.all<Named>('/vms', { sort: 'name' }) : Promise.resolve([]),
  ]);
  return {
    datacenter: opts(dcs),
    rack: opts(racks),
    server: opts(servers),
    ...(withVms ? { vm: opts(vms) } : {}),
  };
}
