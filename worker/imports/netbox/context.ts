import type { PlanBuilder, Row } from './plan';
import type { Snapshot } from './snapshot';
import type { NbData, NbDeviceType, NbId } from './types';
import type { DeviceKind } from './roles';

/** What the mappers share: the input, the database snapshot, the plan, and NetBox ids → ours so far. */
export interface MapCtx {
  data: NbData;
  snap: Snapshot;
  plan: PlanBuilder;
  dcOf: Map<NbId, number>;
  rackOf: Map<NbId, { id: number; u_capacity: number; starting_unit: number }>;
  typeOf: Map<NbId, { id: number | null; t: NbDeviceType }>;
  feedOf: Map<NbId, { id: number; kw: number }>;
  deviceOf: Map<NbId, { kind: DeviceKind; id: number }>;
  portOf: Map<NbId, number>;
}

const lc = (s: unknown) => String(s ?? '').toLowerCase();

/** Rows of a snapshot table by id, and by a key (name, datacenter + name, …), built once per table. */
export class Index {
  private readonly ids = new Map<number, Row>();
  private readonly keys = new Map<string, Row>();
  constructor(rows: Row[], key: (r: Row) => string) {
    for (const r of rows) {
      this.ids.set(r.id as number, r);
      this.keys.set(key(r), r);
    }
  }
  id(id: number | undefined) {
    return id === undefined ? undefined : this.ids.get(id);
  }
  key(k: string) {
    return this.keys.get(k);
  }
}

export const nameKey = (r: Row) => lc(r.name);
export const scopedKey = (scope: unknown, name: unknown) => `${String(scope)}\u0000${lc(name)}`;

/**
 * The existing row a NetBox object is: the one its link names (when that row still exists and is of the same
 * kind), else the one with its name.
 */
export function matchRow(
  ctx: MapCtx,
  objectType: string,
  nbId: NbId,
  kind: string,
  index: Index,
  key: string | null,
): Row | undefined {
  const link = ctx.snap.links.get(`${objectType}|${nbId}`);
  if (link && link.kind === kind) {
    const row = index.id(link.id);
    if (row) return row;
  }
  return key === null ? undefined : index.key(key);
}
