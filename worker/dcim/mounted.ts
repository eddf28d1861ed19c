import { inArray, sql } from 'drizzle-orm';
import { conflict, type FieldError } from '../platform/http/problem';
import type { Change } from '../platform/http/resource';
import type { ServiceContext } from '../platform/context';
import { mayNeedStepUp, requireStepUpForZones, requireStepUpToDeclassify } from '../platform/identity/step-up';
import { placementConflicts, type Candidate, type Mounted } from './placement';
import { racks } from './tables';

/**
 * The kinds of device that sit in a rack, each in its own domain's table, gathered by the `rack_mounts` view
 * (migrations/0030_rack_mounts.sql): one place where U slots and the power budget are shared.
 */
export const MOUNT_KINDS = {
  server: 'Server',
  storage: 'Storage system',
  network: 'Network device',
  pdu: 'PDU',
} as const;
export type MountKind = keyof typeof MOUNT_KINDS;

export interface MountRow extends Mounted {
  kind: MountKind;
  id: number;
  rack_id: number;
  status: string;
  device_type: string;
  health: string;
  manufacturer: string | null;
  model: string | null;
  face: 'front' | 'rear';
  is_full_depth: boolean;
}

/** Everything mounted in these racks, except the `exclude` rows of one kind (those a write is moving). */
export async function mountsIn(
  ctx: Pick<ServiceContext, 'db'>,
  rackIds: number[],
  exclude?: { kind: MountKind; ids: number[] },
): Promise<MountRow[]> {
  if (!rackIds.length) return [];
  const skip = exclude?.ids.length
    ? sql` AND NOT (kind = ${exclude.kind} AND id IN (SELECT value FROM json_each(${JSON.stringify(exclude.ids)})))`
    : sql``;
  const rows = await ctx.db.all<Record<string, unknown>>(
    sql`SELECT kind, id, name, rack_id, u_position, u_size, power_w AS power_supply_w, status, device_type, health,
               manufacturer, model, face, is_full_depth
          FROM rack_mounts WHERE rack_id IN (SELECT value FROM json_each(${JSON.stringify(rackIds)}))${skip}`,
  );
  // a view's columns carry no drizzle modes: SQLite's 0/1 becomes the boolean the API shows
  return rows.map((r) => ({ ...r, is_full_depth: Boolean(r.is_full_depth) })) as unknown as MountRow[];
}

/**
 * The one placement check of every rack-mounted kind: the racks a write touches must have the slots and the power
 * budget for what moves in, next to whatever else is mounted there. `power` names the kind's allocated-power
 * field (servers: power_supply_w); throws a 409 naming each field at fault.
 */
export async function checkMountPlacement(
  ctx: ServiceContext,
  kind: MountKind,
  changes: Change[],
  power: string,
): Promise<void> {
  const fields = ['rack_id', 'u_position', 'u_size', power, 'status', 'face', 'is_full_depth'];
  const relevant = changes.filter(
    ({ before, after }) =>
      after.rack_id !== null && after.rack_id !== undefined && (!before || fields.some((k) => before[k] !== after[k])),
  );
  if (!relevant.length) return;
  const rackIds = [...new Set(relevant.map((c) => Number(c.after.rack_id)))];
  const moving = changes.flatMap((c) => (c.before ? [Number(c.before.id)] : []));
  const [rackRows, mounted] = await Promise.all([racksOf(ctx, rackIds), mountsIn(ctx, rackIds, { kind, ids: moving })]);
  const errors: FieldError[] = [];
  for (const rack of rackRows) {
    const candidates: Candidate[] = relevant
      .filter((c) => Number(c.after.rack_id) === rack.id)
      .map((c) => ({
        name: c.after.name,
        u_position: c.after.u_position ?? null,
        u_size: c.after.u_size ?? 1,
        power_supply_w: Number(c.after[power] ?? 0),
        status: c.after.status,
        face: c.after.face ?? 'front',
        is_full_depth: c.after.is_full_depth ?? true,
        prefix: c.prefix,
      }));
    errors.push(
      ...placementConflicts(
        rack,
        mounted.filter((m) => m.rack_id === rack.id),
        candidates,
      ),
    );
  }
  // placementConflicts names the power field as servers call it
  for (const e of errors) e.field = e.field.replace(/power_supply_w$/, power);
  if (errors.length)
    throw conflict(
      `The ${MOUNT_KINDS[kind].toLowerCase()} does not fit: ${errors.map((e) => e.message).join('; ')}.`,
      errors,
    );
}

/** The racks with these ids, in slices: D1 binds at most 100 parameters a statement (a 5,000-row import spans more racks). */
const racksOf = async (ctx: Pick<ServiceContext, 'db'>, ids: unknown[]) => {
  const wanted = [...new Set(ids.filter((id) => id !== null && id !== undefined).map(Number))];
  const out: (typeof racks.$inferSelect)[] = [];
  for (let i = 0; i < wanted.length; i += 90) {
    out.push(
      ...(await ctx.db
        .select()
        .from(racks)
        .where(inArray(racks.id, wanted.slice(i, i + 90)))
        .all()),
    );
  }
  return out;
};

/** A device outside any rack (an object store attached to a hall) belongs to no zone: as open as Public. */
const OPEN_ZONE = 'Public';

/** Rack-mounted devices inherit their rack's zone, and with it the rack's step-up policy (single reads, writes). */
export async function guardMounted(ctx: ServiceContext, rows: Record<string, unknown>[]): Promise<void> {
  if (!mayNeedStepUp(ctx)) return;
  requireStepUpForZones(
    ctx,
    (
      await racksOf(
        ctx,
        rows.map((r) => r.rack_id),
      )
    ).map((r) => r.security_zone),
  );
}

/** A device moved to a rack of a lower zone (or out of every rack) is declassified: that needs a fresh step-up. */
export async function checkMountedDeclassify(ctx: ServiceContext, changes: Change[]): Promise<void> {
  const moved = changes.filter((c) => c.before && (c.before.rack_id ?? null) !== (c.after.rack_id ?? null));
  if (!moved.length) return;
  const zoneOf = new Map(
    (
      await racksOf(
        ctx,
        moved.flatMap((c) => [c.before!.rack_id, c.after.rack_id]),
      )
    ).map((r) => [r.id, r.security_zone]),
  );
  const zone = (id: unknown) => (id === null || id === undefined ? OPEN_ZONE : zoneOf.get(Number(id)));
  for (const c of moved) {
    const from = zone(c.before!.rack_id);
    const to = zone(c.after.rack_id);
    if (from && to) requireStepUpToDeclassify(ctx, from, to);
  }
}

/** `rack_mounts` sums over one rack, as SQL text correlated with the alias `racks` (raw queries use them too). */
export const RACK_MOUNT_SQL = {
  device_count: '(SELECT count(*) FROM rack_mounts m WHERE m.rack_id = racks.id)',
  // U taken on either face: every device's size, less the U a front half-depth device shares with a rear one
  // (devices on one face never overlap each other, so those shared runs are disjoint and subtracting them is exact)
  used_u: `((SELECT coalesce(sum(m.u_size), 0) FROM rack_mounts m WHERE m.rack_id = racks.id AND m.u_position IS NOT NULL)
      - (SELECT coalesce(sum(max(0, min(f.u_position + f.u_size, r.u_position + r.u_size) - max(f.u_position, r.u_position))), 0)
           FROM rack_mounts f JOIN rack_mounts r ON r.rack_id = f.rack_id
          WHERE f.rack_id = racks.id AND NOT f.is_full_depth AND NOT r.is_full_depth AND f.face = 'front' AND r.face = 'rear'
            AND f.u_position IS NOT NULL AND r.u_position IS NOT NULL))`,
  allocated_w:
    "(SELECT coalesce(sum(m.power_w), 0) FROM rack_mounts m WHERE m.rack_id = racks.id AND m.status <> 'decommissioned')",
};

/** The same sums as a rack list's computed columns. */
export const rackMountSums = {
  device_count: sql.raw(RACK_MOUNT_SQL.device_count),
  used_u: sql.raw(RACK_MOUNT_SQL.used_u),
  allocated_w: sql.raw(RACK_MOUNT_SQL.allocated_w),
};
