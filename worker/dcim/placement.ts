import type { FieldError } from '../platform/http/problem';

export interface RackLimits {
  id: number;
  name: string;
  u_capacity: number;
  power_capacity_kw: number;
}

export interface Mounted {
  id?: number;
  name: string;
  /** null: zero-U (a vertical PDU), no slots taken */
  u_position: number | null;
  u_size: number;
  power_supply_w: number;
  status?: string;
  /** the face it is installed from; absent: front */
  face?: 'front' | 'rear';
  /** absent: full depth, as most servers are */
  is_full_depth?: boolean;
}

export interface Candidate extends Mounted {
  /** prefix for field errors ("" or "[3].") */
  prefix: string;
}

const faceOf = (m: Mounted) => m.face ?? 'front';
const fullDepth = (m: Mounted) => m.is_full_depth ?? true;

/** "U12-U13", with the face when the device is half depth (it leaves the other face's slots free). */
export const span = (m: Mounted) => {
  if (m.u_position === null) return 'zero-U';
  const slots = m.u_size > 1 ? `U${m.u_position}-U${m.u_position + m.u_size - 1}` : `U${m.u_position}`;
  return fullDepth(m) ? slots : `${slots} (${faceOf(m)})`;
};

/**
 * Do two devices need the same slot? Their U ranges meet, and they meet in depth: either fills the rack's depth,
 * or both are installed from the same face. The one rule of shared U slots (the servers' database triggers in
 * migrations/0034 and the NetBox importer's slot map say the same).
 */
export const overlaps = (a: Mounted, b: Mounted) =>
  a.u_position !== null &&
  b.u_position !== null &&
  a.u_position < b.u_position + b.u_size &&
  b.u_position < a.u_position + a.u_size &&
  (fullDepth(a) || fullDepth(b) || faceOf(a) === faceOf(b));
/** The highest U a device occupies, 0 for zero-U. */
const topOf = (m: Mounted) => (m.u_position === null ? 0 : m.u_position + m.u_size - 1);

/** Decommissioned servers keep their slots but are no longer budgeted for power. */
export const drawsPower = (m: Mounted) => m.status !== 'decommissioned';

/**
 * Can `candidates` go into `rack` next to `existing` (which must not include the candidates' own old rows)?
 * Returns one error per problem, each naming the field at fault: slots past the top of the rack, slots taken by
 * another device (already there, or earlier in the same request), or a power allocation above the rack budget.
 */
export function placementConflicts(rack: RackLimits, existing: Mounted[], candidates: Candidate[]): FieldError[] {
  const errors: FieldError[] = [];
  const placed: Mounted[] = [...existing];
  for (const c of candidates) {
    if (topOf(c) > rack.u_capacity) {
      errors.push({
        field: `${c.prefix}u_position`,
        message: `${c.name} would occupy ${span(c)}, beyond the top of ${rack.name} (${rack.u_capacity}U)`,
      });
      continue;
    }
    const clash = placed.find((p) => overlaps(p, c));
    if (clash) {
      errors.push({
        field: `${c.prefix}u_position`,
        message: `${span(c)} of ${rack.name} overlaps ${clash.name} at ${span(clash)}`,
      });
      continue;
    }
    placed.push(c);
  }
  const budgetW = rack.power_capacity_kw * 1000;
  const allocatedW = [...existing, ...candidates].filter(drawsPower).reduce((s, m) => s + m.power_supply_w, 0);
  if (allocatedW > budgetW) {
    const last = candidates[candidates.length - 1];
    errors.push({
      field: `${last.prefix}power_supply_w`,
      message: `${rack.name} would be allocated ${(allocatedW / 1000).toFixed(2)} kW, above its ${rack.power_capacity_kw} kW power capacity`,
    });
  }
  return errors;
}

/** Shrinking a rack must keep every mounted server inside it and the power budget above the allocation. */
export function rackResizeConflicts(rack: RackLimits, mounted: Mounted[]): FieldError[] {
  const errors: FieldError[] = [];
  const highest = mounted.reduce((m, s) => Math.max(m, topOf(s)), 0);
  if (highest > rack.u_capacity) {
    const at = mounted.find((s) => topOf(s) === highest)!;
    errors.push({
      field: 'u_capacity',
      message: `${at.name} occupies ${span(at)}; the rack needs at least ${highest}U`,
    });
  }
  const allocatedW = mounted.filter(drawsPower).reduce((s, m) => s + m.power_supply_w, 0);
  if (allocatedW > rack.power_capacity_kw * 1000) {
    errors.push({
      field: 'power_capacity_kw',
      message: `the devices in ${rack.name} are allocated ${(allocatedW / 1000).toFixed(2)} kW; the capacity cannot go below that`,
    });
  }
  return errors;
}
