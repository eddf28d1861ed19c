// Pure parts of notification: on-call rotation (wall clock across a daylight-saving change, overrides), routing
// to a policy, grouping keys, levels due, the deliveries a closing group gets, and the Alertmanager payload.
import { describe, expect, it } from 'vitest';
import { onCallAt, shiftIndex } from '../../worker/alerting/notify/oncall';
import { groupKeyOf, levelsDue, policyFor, type Policy } from '../../worker/alerting/notify/routing';
import { deliveriesFor } from '../../worker/alerting/notify/queue';
import { alertmanagerBody, type NotificationView } from '../../worker/alerting/notify/payloads';
import { shiftsOf } from '../../worker/alerting/schedules';

const paris = {
  timezone: 'Europe/Paris',
  // a Monday, 09:00 in Paris (CET, UTC+1): 08:00Z
  handoff: '2026-03-23T09:00',
  shift_days: 7,
  participants: [
    { name: 'Ada', email: 'ada@example.com' },
    { name: 'Bob', email: 'bob@example.com' },
  ],
  overrides: [] as { starts_at: string; ends_at: string; name: string; email: string }[],
};

describe('onCallAt', () => {
  it('hands off at 09:00 local time on both sides of the spring-forward change', () => {
    expect(shiftIndex(paris, Date.parse('2026-03-23T07:59Z'))).toBe(-1); // 08:59 CET: before the first shift
    expect(onCallAt(paris, Date.parse('2026-03-23T08:00Z'))!.name).toBe('Ada'); // 09:00 CET
    // clocks went forward on 29 March: 09:00 CEST on the 30th is 07:00Z (UTC arithmetic would say 08:00Z)
    expect(onCallAt(paris, Date.parse('2026-03-30T06:59Z'))!.name).toBe('Ada');
    expect(onCallAt(paris, Date.parse('2026-03-30T07:00Z'))!.name).toBe('Bob');
    expect(onCallAt(paris, Date.parse('2026-04-06T07:00Z'))!.name).toBe('Ada'); // rotation wraps
    // before the first hand-off the rotation runs backwards: the previous shift is Bob's
    expect(onCallAt(paris, Date.parse('2026-03-20T12:00Z'))!.name).toBe('Bob');
  });

  it('lets an override win for its period only', () => {
    const s = {
      ...paris,
      overrides: [
        { starts_at: '2026-04-01T00:00:00Z', ends_at: '2026-04-02T00:00:00Z', name: 'Cy', email: 'cy@example.com' },
      ],
    };
    expect(onCallAt(s, Date.parse('2026-03-31T23:59Z'))!.name).toBe('Bob');
    expect(onCallAt(s, Date.parse('2026-04-01T12:00Z'))!.name).toBe('Cy');
    expect(onCallAt(s, Date.parse('2026-04-02T00:00Z'))!.name).toBe('Bob');
  });

  it('lists shifts cut by hand-offs and overrides', () => {
    const s = {
      ...paris,
      overrides: [
        { starts_at: '2026-04-01T00:00:00Z', ends_at: '2026-04-02T00:00:00Z', name: 'Cy', email: 'cy@example.com' },
      ],
    };
    const shifts = shiftsOf(s, Date.parse('2026-03-29T00:00:00Z'), 10);
    expect(shifts.map((x) => [x.name, x.starts_at, x.override])).toEqual([
      ['Ada', '2026-03-29T00:00:00.000Z', false],
      ['Bob', '2026-03-30T07:00:00.000Z', false],
      ['Cy', '2026-04-01T00:00:00.000Z', true],
      ['Bob', '2026-04-02T00:00:00.000Z', false],
      ['Ada', '2026-04-06T07:00:00.000Z', false],
    ]);
    expect(shifts[0]!.ends_at).toBe('2026-03-30T07:00:00.000Z');
  });
});

const policy = (over: Partial<Policy>): Policy => ({
  id: 1,
  name: 'p',
  enabled: true,
  priority: 100,
  severities: [],
  scope_type: 'all',
  scope_value: null,
  group_by: 'rack',
  group_wait_s: 30,
  levels: [
    { after_min: 0, channel_ids: [1], schedule_ids: [] },
    { after_min: 15, channel_ids: [2], schedule_ids: [7] },
    { after_min: 45, channel_ids: [3], schedule_ids: [] },
  ],
  ...over,
});
const alert = { severity: 'critical', datacenter_id: 2, rack_id: 5, server_id: 9, server_type: 'GPU' };

describe('routing', () => {
  it('picks the first enabled policy by priority whose severities and scope match', () => {
    const ps = [
      policy({ id: 1, priority: 50, severities: ['warning'] }),
      policy({ id: 2, priority: 60, scope_type: 'datacenter', scope_value: '3' }),
      policy({ id: 3, priority: 70, enabled: false }),
      policy({ id: 4, priority: 80, scope_type: 'rack', scope_value: '5' }),
      policy({ id: 5, priority: 10, scope_type: 'server_type', scope_value: 'Storage' }),
    ];
    expect(policyFor(ps, alert)!.id).toBe(4);
    expect(policyFor(ps, { ...alert, severity: 'warning' })!.id).toBe(1);
    expect(policyFor(ps.slice(0, 3), alert)).toBeNull();
  });

  it('groups by rack, or by datacenter when asked, per kind and level', () => {
    expect(groupKeyOf(policy({}), alert, 'firing', 1)).toBe('policy:1|rack:5|firing|level:1');
    expect(groupKeyOf(policy({ group_by: 'datacenter' }), alert, 'resolved', 2)).toBe(
      'policy:1|datacenter:2|resolved|level:2',
    );
    expect(groupKeyOf(policy({}), { rack_id: null, datacenter_id: null }, 'firing', 1)).toBe(
      'policy:1|site|firing|level:1',
    );
  });

  it('says which levels are due after how long, beyond those already told', () => {
    const p = policy({});
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    expect(levelsDue(p, t0, 0, t0)).toEqual([1]);
    expect(levelsDue(p, t0, 1, t0 + 14 * 60_000 + 59_999)).toEqual([]);
    expect(levelsDue(p, t0, 1, t0 + 15 * 60_000)).toEqual([2]);
    // a cron that was down for an hour catches up in one go
    expect(levelsDue(p, t0, 1, t0 + 60 * 60_000)).toEqual([2, 3]);
    expect(levelsDue(p, t0, 3, t0 + 600 * 60_000)).toEqual([]);
  });

  it('sends a level to its enabled channels and on-call person; a resolution to every told level that wants it', () => {
    const channels = new Map([
      [1, { id: 1, kind: 'webhook', enabled: 1, send_resolved: 1 }],
      [2, { id: 2, kind: 'email', enabled: 1, send_resolved: 0 }],
      [3, { id: 3, kind: 'slack', enabled: 0, send_resolved: 1 }],
    ]);
    const schedules = new Map([[7, { id: 7, ...paris }]]);
    const at = Date.parse('2026-03-30T12:00:00Z');
    expect(
      deliveriesFor({ id: 1, kind: 'firing', policy_id: 1, level: 2 }, policy({}), channels, schedules, at),
    ).toEqual([
      { channel_id: 2, schedule_id: null, recipient: null },
      { channel_id: null, schedule_id: 7, recipient: 'bob@example.com' },
    ]);
    expect(
      deliveriesFor({ id: 1, kind: 'firing', policy_id: 1, level: 3 }, policy({}), channels, schedules, at),
    ).toEqual([]);
    expect(
      deliveriesFor({ id: 1, kind: 'resolved', policy_id: 1, level: 2 }, policy({}), channels, schedules, at),
    ).toEqual([{ channel_id: 1, schedule_id: null, recipient: null }]);
  });
});

describe('alertmanagerBody', () => {
  it('has the webhook payload shape of Alertmanager (version 4)', () => {
    const base = {
      fingerprint: 'rule:1|server:9|',
      severity: 'critical',
      metric: 'fan_rpm',
      value: 12,
      threshold: 300,
      labels: { rule: 'Fan stopped' },
      datacenter_id: 2,
      rack_id: 5,
      server_id: 9,
      rack: 'R-5',
      datacenter: 'DC-2',
    };
    const n: NotificationView = {
      id: 3,
      kind: 'resolved',
      group_key: 'policy:1|rack:5|resolved|level:1',
      level: 1,
      policy: 'p',
      origin: 'https://dc.example.com',
      alerts: [
        {
          ...base,
          id: 10,
          status: 'resolved',
          message: 'a',
          started_at: '2026-01-01T00:00:00.000Z',
          resolved_at: '2026-01-01T00:05:00.000Z',
          device: 'srv-9',
        },
        {
          ...base,
          id: 11,
          status: 'firing',
          message: 'b',
          started_at: '2026-01-01T00:01:00.000Z',
          resolved_at: null,
          device: 'srv-10',
        },
      ],
    };
    const body = alertmanagerBody(n, 'noc-hook');
    expect(body).toEqual({
      version: '4',
      groupKey: n.group_key,
      truncatedAlerts: 0,
      status: 'firing', // one of them still fires
      receiver: 'noc-hook',
      groupLabels: { rack: 'R-5' },
      commonLabels: {
        alertname: 'Fan stopped',
        severity: 'critical',
        rack: 'R-5',
        datacenter: 'DC-2',
        rule: 'Fan stopped',
      },
      commonAnnotations: { value: '12', threshold: '300' },
      externalURL: 'https://dc.example.com',
      alerts: [
        expect.objectContaining({
          status: 'resolved',
          startsAt: '2026-01-01T00:00:00.000Z',
          endsAt: '2026-01-01T00:05:00.000Z',
          generatorURL: 'https://dc.example.com/alerts/10',
          fingerprint: 'rule:1|server:9|',
          annotations: { summary: 'a', value: '12', threshold: '300' },
        }),
        expect.objectContaining({ status: 'firing', endsAt: '0001-01-01T00:00:00Z' }),
      ],
    });
  });
});
