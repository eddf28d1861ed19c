// Overcommit arithmetic and placement rules for VMs: plain functions over plain rows (tests/unit/vm-capacity.test.ts).

export type Resource = 'cpu' | 'ram' | 'disk';
export type Ratios = Record<Resource, number>;
export type Amounts = Record<Resource, number>;

/**
 * vCPUs are time-shared, so four per core is the usual safe default; memory and disk are not (a guest that gets
 * less RAM than promised swaps or is killed), so they are promised one to one unless an operator says otherwise.
 */
export const DEFAULT_RATIOS: Ratios = { cpu: 4, ram: 1, disk: 1 };

const UNITS: Record<Resource, string> = { cpu: 'vCPU', ram: 'GB', disk: 'GB' };
const LABELS: Record<Resource, string> = { cpu: 'CPU', ram: 'RAM', disk: 'Disk' };
const round = (x: number) => Math.round(x * 100) / 100;

export interface HostFacts {
  id: number;
  name: string;
  status: string;
  cpu_cores: number | null;
  ram_gb: number | null;
  storage_tb: number | null;
}

export interface ResourceCapacity {
  resource: Resource;
  /** false: the host does not record this resource (no core count; disk on shared storage), so it is not checked */
  limited: boolean;
  unit: string;
  physical: number;
  ratio: number;
  capacity: number;
  allocated: number;
  free: number;
  used_pct: number;
}

/** A host's physical resources in VM units (cores, GB of RAM, GB of disk); null where it records none. */
export const physicalOf = (h: HostFacts): Record<Resource, number | null> => ({
  cpu: h.cpu_cores,
  ram: h.ram_gb,
  disk: h.storage_tb === null ? null : h.storage_tb * 1000,
});

export function capacityOf(host: HostFacts, ratios: Ratios, allocated: Amounts): ResourceCapacity[] {
  const physical = physicalOf(host);
  return (['cpu', 'ram', 'disk'] as const).map((r) => {
    const p = physical[r] ?? 0;
    const capacity = round(p * ratios[r]);
    return {
      resource: r,
      limited: physical[r] !== null,
      unit: UNITS[r],
      physical: round(p),
      ratio: ratios[r],
      capacity,
      allocated: round(allocated[r]),
      free: round(capacity - allocated[r]),
      used_pct: capacity > 0 ? round((allocated[r] / capacity) * 100) : 0,
    };
  });
}

/** Why `ask` does not fit in what is free, one message per resource short (empty: it fits). */
export function shortfalls(resources: ResourceCapacity[], ask: Amounts): string[] {
  const out: string[] = [];
  for (const c of resources) {
    const want = ask[c.resource];
    if (!c.limited || want <= 0 || want <= c.free + 1e-9) continue;
    const free = Math.max(0, c.free);
    const basis =
      c.resource === 'cpu' ? `${c.physical} cores at ${c.ratio}:1` : `${c.physical} ${c.unit} at ${c.ratio}:1`;
    out.push(
      `${LABELS[c.resource]}: ${round(want)} ${c.unit} asked, ${free} ${c.unit} free of ${c.capacity} (${basis})`,
    );
  }
  return out;
}

/** Hosts that are not running normally take no new VMs. */
export function hostStatusProblem(host: HostFacts): string | null {
  if (host.status === 'active') return null;
  if (host.status === 'maintenance') return `host ${host.name} is in maintenance`;
  return `host ${host.name} is ${host.status}`;
}

/** VMs of one anti-affinity group never share a host: the first group member already on `hostId`, if any. */
export function antiAffinityProblem(
  group: string | null | undefined,
  hostId: number,
  hostName: string,
  others: { name: string; host_server_id: number; anti_affinity_group: string | null }[],
): string | null {
  if (!group) return null;
  const clash = others.find((o) => o.anti_affinity_group === group && o.host_server_id === hostId);
  return clash ? `anti-affinity group "${group}" already has ${clash.name} on host ${hostName}` : null;
}
