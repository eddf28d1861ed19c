// Rule preview (POST /api/alert-rules/preview): a condition replayed over the last 24 h of one-minute rollups, per
// device and per hour, on the devices the caller can see; and the replay itself on a hand-checked series.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, createUser, estate, expectProblem, type Row } from '../helpers';
import { replay } from '../../worker/alerting/preview';

const MIN = 60_000;
let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

describe('replay', () => {
  it('fires once the condition held for the for duration, and not again until it cleared', () => {
    const t0 = 1_800_000_000_000;
    // minutes 0-5 at 60, 6-7 at 48 (between clear 45 and threshold 50: still firing), 8 at 40, 9-15 at 60
    const values = [60, 60, 60, 60, 60, 60, 48, 48, 40, 60, 60, 60, 60, 60, 60, 60];
    const points = values.map((value, i) => ({ ts: t0 + i * MIN, value }));
    const c = {
      aggregate: 'last' as const,
      window_s: 0,
      comparison: '>' as const,
      threshold: 50,
      clear_threshold: 45,
      for_s: 240,
      keep_firing_for_s: 0,
    };
    // pending from minute 0, firing at minute 4; cleared at 8; pending again from 9, firing at 13
    expect(replay(c, points)).toEqual([t0 + 4 * MIN, t0 + 13 * MIN]);
    expect(replay({ ...c, for_s: 600 }, points)).toEqual([]);
  });
});

describe('POST /api/alert-rules/preview', () => {
  it('counts firings per device and hour over the stored minutes, only on visible racks', async () => {
    const metric = `prev_${crypto.randomUUID().slice(0, 8)}`;
    const open = await estate(admin, 2);
    const secret = await estate(admin, 1, { security_zone: 'Confidential' });
    const start = Math.floor((Date.now() - 3 * 60 * MIN) / MIN) * MIN;
    const rows: unknown[][] = [];
    for (let i = 0; i < 180; i++) {
      const ts = start + i * MIN;
      // server 0: two 20-minute excursions to 60; server 1: always 30; the secret rack: like server 0
      const hot = (i >= 30 && i < 50) || (i >= 120 && i < 140);
      rows.push([open.rack.id, open.servers[0].id, ts, hot ? 60 : 30]);
      rows.push([open.rack.id, open.servers[1].id, ts, 30]);
      rows.push([secret.rack.id, secret.servers[0].id, ts, hot ? 60 : 30]);
    }
    await env.DB.batch(
      rows.map(([rack, server, ts, v]) =>
        env.DB.prepare(
          `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
           VALUES (?, ?, ?, '', 60, ?, 6, ?, ?, ?, ?, ?, ?)`,
        ).bind(rack, server, metric, ts, (v as number) * 6, v, v, v, ts, v),
      ),
    );
    const body = { metric, threshold: 50, clear_threshold: 45, for_s: 300 };
    const res = await api('/api/alert-rules/preview', { token: admin, json: body });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ series: 3, firings: 4, devices_firing: 2 });
    expect(res.body.devices.map((d: Row) => [d.device, d.times])).toEqual(
      expect.arrayContaining([
        [open.servers[0].name, 2],
        [secret.servers[0].name, 2],
      ]),
    );
    expect(res.body.hours.reduce((n: number, h: Row) => n + h.firings, 0)).toBe(4);
    // a viewer (Internal clearance) does not see the Confidential rack
    const viewer = await createUser('viewer', admin);
    const low = await api('/api/alert-rules/preview', { token: viewer.token, json: body });
    expect(low.body).toMatchObject({ series: 2, firings: 2, devices_firing: 1 });
    // scoped to the other server: nothing
    const scoped = await api('/api/alert-rules/preview', {
      token: admin,
      json: { ...body, scope_type: 'server', scope_value: String(open.servers[1].id) },
    });
    expect(scoped.body).toMatchObject({ series: 1, firings: 0 });
    expectProblem(await api('/api/alert-rules/preview', { token: admin, json: { metric: 'bad name!' } }), 422, [
      'metric',
      'threshold',
    ]);
  });
});
