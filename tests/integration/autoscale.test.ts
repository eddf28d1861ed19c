// Workload autoscaling driven by the Worker's own scheduled handler over a scripted metric series: 1-minute
// rollups of the cluster's node servers (as the rack objects flush them) rise and fall, and each minute's decision
// is recorded with its reason; a scale goes to the site queue as an operation, cooldown and bounds hold it.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../worker/index';
import {
  adminToken,
  api,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  uniqueName,
  type Row,
} from '../helpers';

let admin: string;
let rack: Row;
let nodes: Row[];
let workload: Row;

async function tick(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}
/** one flushed minute of `cpu_pct` at `value` for every node, `minutesAgo` before `now` */
async function minute(now: number, minutesAgo: number, value: number) {
  const bucket = Math.floor((now - minutesAgo * 60_000) / 60_000) * 60_000;
  for (const n of nodes) {
    await env.DB.prepare(
      `INSERT OR REPLACE INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
       VALUES (?, ?, 'cpu_pct', '', 60, ?, 6, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(rack.id, n.id, bucket, value * 6, value, value, value, bucket + 50_000, value)
      .run();
  }
}
const decisions = async () =>
  (await api(`/api/autoscale-decisions?workload_id=${workload.id}&sort=id`, { token: admin })).body as Row[];
/** the agent's side, played in D1: the queued scale succeeded */
async function agentDid() {
  const ops = (await api(`/api/workload-operations?workload_id=${workload.id}&status=queued`, { token: admin }))
    .body as Row[];
  for (const op of ops) {
    await env.DB.batch([
      env.DB.prepare(
        `UPDATE workload_operations SET status = 'succeeded', finished_at = datetime('now') WHERE id = ?`,
      ).bind(op.id),
      env.DB.prepare('UPDATE workloads SET replicas_desired = ? WHERE id = ?').bind(op.params.replicas, workload.id),
    ]);
  }
  return ops;
}

beforeAll(async () => {
  admin = await adminToken();
  const dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id });
  nodes = [
    await createServer(admin, { rack_id: rack.id, u_position: 1 }),
    await createServer(admin, { rack_id: rack.id, u_position: 3 }),
  ];
  const cluster = (
    await api('/api/clusters', {
      token: admin,
      json: { name: uniqueName('k8s'), kind: 'kubernetes', datacenter_id: dc.id },
    })
  ).body;
  for (const n of nodes)
    await api('/api/cluster-nodes', { token: admin, json: { cluster_id: cluster.id, server_id: n.id } });
  workload = (
    await api('/api/containers', {
      token: admin,
      json: { cluster_id: cluster.id, name: 'api', image: 'acme/api:1', replicas_desired: 2 },
    })
  ).body;
});

describe('workload autoscaling', () => {
  it('refuses thresholds that cross and bounds that invert', async () => {
    const bad = await api('/api/autoscale-policies', {
      token: admin,
      json: { workload_id: workload.id, scale_out_above: 30, scale_in_below: 70, min_replicas: 5, max_replicas: 3 },
    });
    expectProblem(bad, 422, ['scale_in_below', 'min_replicas']);
  });

  it('decides each minute from the nodes metric, scales through the site queue, and records why', async () => {
    const r = await api('/api/autoscale-policies', {
      token: admin,
      json: {
        workload_id: workload.id,
        metric: 'cpu_pct',
        window_min: 5,
        scale_out_above: 70,
        scale_in_below: 30,
        min_replicas: 2,
        max_replicas: 4,
        step: 1,
        cooldown_s: 180,
      },
    });
    expect(r.status, r.text).toBe(201);
    const t0 = Date.now();
    // no data yet
    await tick(t0);
    expect((await decisions()).map((d) => [d.action, d.reason])).toEqual([
      ['hold', 'no cpu_pct samples from the nodes in the last 5 min'],
    ]);
    // load rises: 80 % on both nodes for the last minutes → one more replica, queued for the agent
    for (const ago of [1, 2, 3]) await minute(t0, ago, 80);
    await tick(t0);
    let d = await decisions();
    expect(d.at(-1)).toMatchObject({ action: 'scale_out', replicas_before: 2, replicas_after: 3, samples: 36 });
    expect(d.at(-1)!.value).toBeCloseTo(80, 6);
    expect(d.at(-1)!.operation_id).toBeGreaterThan(0);
    const [op] = await agentDid();
    expect(op).toMatchObject({ kind: 'workload.scale', params: { replicas: 3 }, requested_by: 'system' });

    // a minute later, still hot, but cooling down: held, and said once
    await tick(t0 + 60_000);
    await tick(t0 + 90_000);
    d = await decisions();
    expect(d.at(-1)).toMatchObject({ action: 'hold', replicas_after: 3 });
    expect(d.at(-1)!.reason).toMatch(/cooling down \(120 s left\)/);
    expect(d.filter((x) => /cooling down/.test(x.reason))).toHaveLength(1);

    // after the cooldown: to the maximum, then held there
    await tick(t0 + 200_000);
    await agentDid();
    expect((await decisions()).at(-1)).toMatchObject({ action: 'scale_out', replicas_after: 4 });
    for (const ago of [1, 2]) await minute(t0 + 400_000, ago, 90);
    await tick(t0 + 400_000);
    expect((await decisions()).at(-1)!.reason).toMatch(/already at the maximum of 4/);

    // load falls to 10 %: back down by one per cooldown, never under the minimum
    const later = t0 + 600_000;
    for (const ago of [1, 2, 3, 4, 5]) await minute(later, ago, 10);
    await tick(later);
    await agentDid();
    expect((await decisions()).at(-1)).toMatchObject({ action: 'scale_in', replicas_before: 4, replicas_after: 3 });
    expect((await api(`/api/containers/${workload.id}`, { token: admin })).body.replicas_desired).toBe(3);
  });
});
