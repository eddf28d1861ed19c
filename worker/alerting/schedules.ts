import type { ResourceDef, Row } from '../platform/http/resource';
import { unprocessable, type FieldError } from '../platform/http/problem';
import { oncallSchedules } from './tables';
import { Schedule, ScheduleCreate, ScheduleUpdate } from './schemas/notifications';
import { knownTimeZone, onCallAt, shiftIndex, type Schedule as OnCall } from './notify/oncall';

export function scheduleProblems(row: Row, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  if (row.timezone && !knownTimeZone(String(row.timezone))) {
    errors.push({ field: `${prefix}timezone`, message: 'must be an IANA time zone such as Europe/Paris' });
  }
  ((row.overrides ?? []) as { starts_at: string; ends_at: string }[]).forEach((o, i) => {
    if (Date.parse(o.ends_at) <= Date.parse(o.starts_at)) {
      errors.push({ field: `${prefix}overrides[${i}].ends_at`, message: 'must be after starts_at' });
    }
  });
  return errors;
}

export const schedulesResource: ResourceDef = {
  path: '/oncall-schedules',
  entity: 'oncall_schedule',
  label: 'On-call schedule',
  tag: 'Alerting',
  table: oncallSchedules,
  schemas: { create: ScheduleCreate, update: ScheduleUpdate, output: Schedule },
  filters: {},
  sortable: ['id', 'name', 'created_at', 'updated_at'],
  defaultSort: 'name',
  searchable: ['name', 'description'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  access: { read: 'alerts:read', write: 'alerts:configure' },
  description:
    'Rotations: shift k starts at `handoff` (wall clock in `timezone`) + k × `shift_days` days and belongs to ' +
    'participant k mod n; overrides (holidays, swaps) win for their period. Escalation levels name schedules ' +
    'to reach whoever is on call.',
  async check(_ctx, changes) {
    const errors = changes.flatMap((c) => scheduleProblems(c.after, c.prefix));
    if (errors.length) throw unprocessable(errors, 'The schedule does not hold together.');
  },
};

const DAY = 86_400_000;

/**
 * Who is on call from `from` for `days` days, as consecutive shifts (rotation hand-offs and overrides cut them).
 * Boundaries are found by sampling every 15 minutes, which is the precision hand-offs and overrides are shown at.
 */
export function shiftsOf(s: OnCall, from: number, days: number) {
  const out: { starts_at: string; ends_at: string; name: string; email: string; override: boolean }[] = [];
  const step = 15 * 60_000;
  const end = from + days * DAY;
  let prev: string | null = null;
  for (let t = from; t < end; t += step) {
    const who = onCallAt(s, t);
    const override = s.overrides.some((o) => Date.parse(o.starts_at) <= t && t < Date.parse(o.ends_at));
    const key = who ? `${who.email}|${override ? 'override' : shiftIndex(s, t)}` : null;
    if (key === prev) continue;
    const iso = new Date(t).toISOString();
    if (out.length && prev !== null) out[out.length - 1]!.ends_at = iso;
    prev = key;
    if (who)
      out.push({ starts_at: iso, ends_at: new Date(end).toISOString(), name: who.name, email: who.email, override });
  }
  return out;
}
