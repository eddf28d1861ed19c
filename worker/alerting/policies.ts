import { inArray } from 'drizzle-orm';
import type { ResourceDef, Row } from '../platform/http/resource';
import { unprocessable, type FieldError } from '../platform/http/problem';
import { escalationPolicies, notificationChannels, oncallSchedules } from './tables';
import { SCOPE_TYPES } from './schemas/alert-rule';
import { GROUP_BY, Policy, PolicyCreate, PolicyUpdate } from './schemas/notifications';

type Level = { after_min: number; channel_ids: number[]; schedule_ids?: number[] };

/** Levels in order of their delay, each with somewhere to send; scopes with their value. */
export function policyProblems(row: Row, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const at = (field: string, message: string) => errors.push({ field: `${prefix}${field}`, message });
  const levels = (row.levels ?? []) as Level[];
  levels.forEach((l, i) => {
    if (i > 0 && l.after_min <= levels[i - 1]!.after_min) {
      at(`levels[${i}].after_min`, `must be later than level ${i} (${levels[i - 1]!.after_min} min)`);
    }
    if (!l.channel_ids.length && !(l.schedule_ids ?? []).length) {
      at(`levels[${i}].channel_ids`, 'a level needs at least one channel or schedule');
    }
  });
  if ((row.scope_type ?? 'all') !== 'all' && !row.scope_value) {
    at('scope_value', `is required when scope_type is ${String(row.scope_type)}`);
  }
  return errors;
}

export const policiesResource: ResourceDef = {
  path: '/escalation-policies',
  entity: 'escalation_policy',
  label: 'Escalation policy',
  tag: 'Alerting',
  table: escalationPolicies,
  schemas: { create: PolicyCreate, update: PolicyUpdate, output: Policy },
  filters: {
    enabled: { type: 'bool' },
    scope_type: { type: 'string', values: SCOPE_TYPES },
    group_by: { type: 'string', values: GROUP_BY },
  },
  sortable: ['id', 'name', 'priority', 'enabled', 'created_at', 'updated_at'],
  defaultSort: 'priority',
  searchable: ['name', 'description'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  present: (row) => ({
    ...row,
    levels: ((row.levels ?? []) as Level[]).map((l) => ({ ...l, schedule_ids: l.schedule_ids ?? [] })),
  }),
  access: { read: 'alerts:read', write: 'alerts:configure' },
  description:
    'Who is told of which alerts, and when. An alert is routed, when it fires, to the first enabled policy (by ' +
    'priority) whose severities and scope match. Level 1 is told after `group_wait_s`, in one notification ' +
    'with the alerts firing with it in the same rack (or datacenter: `group_by`); each next level `after_min` ' +
    'minutes after the alert fired while nobody has acknowledged it (the minute cron advances them). A level ' +
    'names channels and on-call schedules (whoever is on call gets an email).',
  async check(ctx, changes) {
    const errors = changes.flatMap((c) => policyProblems(c.after, c.prefix));
    const ids = (key: 'channel_ids' | 'schedule_ids') => [
      ...new Set(changes.flatMap((c) => ((c.after.levels ?? []) as Level[]).flatMap((l) => l[key] ?? []))),
    ];
    const [channels, schedules] = await Promise.all([
      ids('channel_ids').length
        ? ctx.db
            .select({ id: notificationChannels.id })
            .from(notificationChannels)
            .where(inArray(notificationChannels.id, ids('channel_ids')))
            .all()
        : [],
      ids('schedule_ids').length
        ? ctx.db
            .select({ id: oncallSchedules.id })
            .from(oncallSchedules)
            .where(inArray(oncallSchedules.id, ids('schedule_ids')))
            .all()
        : [],
    ]);
    const known = {
      channel_ids: new Set(channels.map((r) => r.id)),
      schedule_ids: new Set(schedules.map((r) => r.id)),
    };
    for (const c of changes) {
      ((c.after.levels ?? []) as Level[]).forEach((l, i) => {
        for (const key of ['channel_ids', 'schedule_ids'] as const) {
          for (const id of l[key] ?? []) {
            if (!known[key].has(id)) {
              errors.push({
                field: `${c.prefix}levels[${i}].${key}`,
                message: `${key === 'channel_ids' ? 'channel' : 'schedule'} ${id} does not exist`,
              });
            }
          }
        }
      });
    }
    if (errors.length) throw unprocessable(errors, 'The escalation policy does not hold together.');
  },
};
