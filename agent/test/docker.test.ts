// Against a recorded Docker Engine API (test/docker-engine.ts): Podman installs here, but crun cannot set
// RLIMIT_NOFILE/RLIMIT_NPROC in this sandbox, so no container can start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerDriver, probesOf } from '../drivers/docker.ts';
import type { ContainerInspect } from '../drivers/docker-api.ts';
import { PauseGate } from '../pause.ts';
import { FakeEngine } from './docker-engine.ts';

const ref = { cluster: 'edge', namespace: 'shop', name: 'web' };
const labels = { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' };
const ctx = (
  steps: [string, Record<string, unknown> | undefined][] = [],
  gate = new PauseGate(),
  signal?: AbortSignal,
) => gate.context((s, d) => void steps.push([s, d]), signal ?? new AbortController().signal);

describe('docker driver (recorded Engine API)', () => {
  const engine = new FakeEngine();
  let d: DockerDriver;
  before(async () => {
    await engine.start();
    engine.add('shop-web-1', 'nginx:1.25', labels);
    engine.add('shop-web-2', 'nginx:1.25', labels);
    engine.add('shop-web-3', 'nginx:1.25', labels);
    engine.add('redis', 'redis:7', {}, false);
    d = new DockerDriver({ edge: engine.url }, { readyTimeoutMs: 300, pollMs: 5 });
  });
  after(() => engine.stop());

  test('lists compose services and lone containers as workloads', async () => {
    const w = await d.list();
    assert.deepEqual(
      w.sort((a, b) => a.name.localeCompare(b.name)),
      [
        {
          driver: 'docker',
          cluster: 'edge',
          namespace: 'default',
          name: 'redis',
          image: 'redis:7',
          replicas_desired: 1,
          replicas_ready: 1,
          replicas_updated: 1,
          // no HEALTHCHECK: nothing to say about readiness
          probes: [{ type: 'liveness', result: 'success' }],
        },
        {
          driver: 'docker',
          cluster: 'edge',
          namespace: 'shop',
          name: 'web',
          image: 'nginx:1.25',
          replicas_desired: 3,
          replicas_ready: 3,
          replicas_updated: 3,
          probes: [
            { type: 'readiness', result: 'success' },
            { type: 'liveness', result: 'success' },
          ],
        },
      ],
    );
  });

  test('scale creates copies of the service and removes the newest', async () => {
    assert.deepEqual(await d.scale(ref, 5), { replicas: 5, created: 2, removed: 0 });
    assert.equal((await d.list()).find((w) => w.name === 'web')?.replicas_desired, 5);
    assert.deepEqual(await d.scale(ref, 4), { replicas: 4, created: 0, removed: 1 });
    const names = [...engine.containers.values()].map((c) => c.Name);
    assert.ok(names.includes('/shop-web-1') && names.includes('/shop-web-3'));
    assert.ok(engine.requests.includes('POST /v1.41/containers/create'));
  });

  test('set image rolls batch by batch within max_surge/max_unavailable and reports each batch', async () => {
    const steps: [string, Record<string, unknown> | undefined][] = [];
    const out = await d.setImage(
      ref,
      { image: 'nginx:1.26', max_surge: 1, max_unavailable: 1, batch_size: 2 },
      ctx(steps),
    );
    assert.deepEqual(out, { image: 'nginx:1.26', previous_image: 'nginx:1.25', replicas: 4, batches: 2 });
    assert.deepEqual(steps, [
      ['batch', { batch: 1, batches: 2, image: 'nginx:1.26', phase: 'starting' }],
      ['batch', { batch: 1, batches: 2, image: 'nginx:1.26', phase: 'done', updated: 2, total: 4, ready: 4 }],
      ['batch', { batch: 2, batches: 2, image: 'nginx:1.26', phase: 'starting' }],
      ['batch', { batch: 2, batches: 2, image: 'nginx:1.26', phase: 'done', updated: 4, total: 4, ready: 4 }],
    ]);
    const web = (await d.list()).find((w) => w.name === 'web');
    assert.deepEqual(
      [web?.image, web?.replicas_desired, web?.replicas_ready, web?.replicas_updated],
      ['nginx:1.26', 4, 4, 4],
    );
  });

  test('a batch that does not become ready is rolled back to the previous image', async () => {
    const steps: [string, Record<string, unknown> | undefined][] = [];
    await assert.rejects(
      d.setImage(ref, { image: 'nginx:broken', max_surge: 1, max_unavailable: 0, batch_size: 1 }, ctx(steps)),
      /batch 1\/4 of nginx:broken: container shop-web-\w+ is unhealthy; rolled back to nginx:1.26/,
    );
    assert.deepEqual(steps[0], ['batch', { batch: 1, batches: 4, image: 'nginx:broken', phase: 'starting' }]);
    const [kind, detail] = steps[1]!;
    assert.equal(kind, 'rollback');
    assert.deepEqual(
      { ...detail, reason: undefined },
      { batch: 1, batches: 4, image: 'nginx:1.26', reason: undefined },
    );
    assert.match(String(detail?.reason), /^container shop-web-\w+ is unhealthy$/);
    assert.equal(steps.length, 2, 'nothing else to roll back after a first batch');
    const images = [...engine.containers.values()].filter(
      (c) => c.Config.Labels['com.docker.compose.service'] === 'web',
    );
    assert.deepEqual(
      images.map((c) => c.Config.Image),
      ['nginx:1.26', 'nginx:1.26', 'nginx:1.26', 'nginx:1.26'],
    );
  });

  test('with no surge allowed, a failed batch brings back the containers it removed first', async () => {
    await assert.rejects(
      d.setImage(ref, { image: 'nginx:broken', max_surge: 0, max_unavailable: 1, batch_size: 3 }, ctx()),
      /batch 1\/4 of nginx:broken: .*rolled back to nginx:1.26/,
    );
    const web = (await d.list()).find((w) => w.name === 'web');
    assert.deepEqual([web?.image, web?.replicas_desired, web?.replicas_ready], ['nginx:1.26', 4, 4]);
  });

  test('rollback returns to the image the last update replaced', async () => {
    const out = await d.rollback(ref, ctx());
    assert.equal(out.image, 'nginx:1.25');
    assert.equal((await d.list()).find((w) => w.name === 'web')?.image, 'nginx:1.25');
  });

  test('a paused rollout starts no new batch until it is resumed', async () => {
    const steps: [string, Record<string, unknown> | undefined][] = [];
    const gate = new PauseGate();
    let batchOneDone!: () => void;
    const firstDone = new Promise<void>((r) => (batchOneDone = r));
    const c = ctx(steps, gate);
    const progress = c.progress;
    c.progress = (step, detail) => {
      progress(step, detail);
      // paused while batch 1 still runs: it finishes, batch 2 waits
      if (step === 'batch' && detail?.batch === 1 && detail.phase === 'starting') gate.pause();
      if (step === 'batch' && detail?.batch === 1 && detail.phase === 'done') batchOneDone();
    };
    const run = d.setImage(ref, { image: 'nginx:1.27', max_surge: 1, max_unavailable: 0, batch_size: 1 }, c);
    await firstDone;
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(
      steps.map(([s, x]) => `${s} ${x?.batch} ${x?.phase}`),
      ['batch 1 starting', 'batch 1 done'],
    );
    const images = () =>
      [...engine.containers.values()]
        .filter((x) => x.Config.Labels['com.docker.compose.service'] === 'web')
        .map((x) => x.Config.Image)
        .sort();
    assert.deepEqual(images(), ['nginx:1.25', 'nginx:1.25', 'nginx:1.25', 'nginx:1.27']);
    gate.resume();
    assert.deepEqual(await run, { image: 'nginx:1.27', previous_image: 'nginx:1.25', replicas: 4, batches: 4 });
    assert.deepEqual(
      steps.filter(([, x]) => x?.phase === 'done').map(([, x]) => [x?.batch, x?.updated, x?.ready]),
      [
        [1, 1, 4],
        [2, 2, 4],
        [3, 3, 4],
        [4, 4, 4],
      ],
    );
    assert.deepEqual(images(), ['nginx:1.27', 'nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
  });

  test('cancelled while paused, a rollout rolls back the batches it did', async () => {
    const steps: [string, Record<string, unknown> | undefined][] = [];
    const gate = new PauseGate();
    const abort = new AbortController();
    const c = ctx(steps, gate, abort.signal);
    const progress = c.progress;
    c.progress = (step, detail) => {
      progress(step, detail);
      if (step === 'batch' && detail?.batch === 2 && detail.phase === 'done') {
        gate.pause();
        setTimeout(() => abort.abort(new Error('cancelled by the platform')), 50);
      }
    };
    await assert.rejects(
      d.setImage(ref, { image: 'nginx:1.28', max_surge: 1, max_unavailable: 0, batch_size: 1 }, c),
      /batch 3\/4 of nginx:1.28: cancelled by the platform; rolled back to nginx:1.27/,
    );
    assert.deepEqual(steps.slice(4, 5), [
      ['rollback', { batch: 3, batches: 4, image: 'nginx:1.27', reason: 'cancelled by the platform' }],
    ]);
    // the rollback's own batches (two containers to put back) say so, and are never held by the pause
    assert.deepEqual(
      steps.slice(5).map(([s, x]) => [s, x?.batch, x?.phase, x?.image, x?.rollback]),
      [
        ['batch', 1, 'starting', 'nginx:1.27', true],
        ['batch', 1, 'done', 'nginx:1.27', true],
        ['batch', 2, 'starting', 'nginx:1.27', true],
        ['batch', 2, 'done', 'nginx:1.27', true],
      ],
    );
    const web = (await d.list()).find((w) => w.name === 'web');
    assert.deepEqual([web?.image, web?.replicas_desired, web?.replicas_ready], ['nginx:1.27', 4, 4]);
  });

  test('unknown clusters and empty services fail clearly', async () => {
    await assert.rejects(d.scale({ ...ref, cluster: 'nope' }, 1), /docker cluster 'nope' is not configured/);
    await assert.rejects(d.scale({ ...ref, name: 'ghost' }, 2), /has no container to copy its configuration from/);
  });
});

describe("probe results from Docker's own checks", () => {
  const c = (name: string, status: string, health?: 'starting' | 'healthy' | 'unhealthy' | 'none') =>
    ({
      Id: name,
      Name: `/${name}`,
      Created: '',
      State: { Status: status, Running: status === 'running', ...(health ? { Health: { Status: health } } : {}) },
      Config: { Image: 'x' },
      HostConfig: {},
    }) as ContainerInspect;

  test('HEALTHCHECK is readiness, running is liveness; a failure names the replica', () => {
    assert.deepEqual(probesOf([c('a', 'running', 'healthy'), c('b', 'running', 'healthy')]), [
      { type: 'readiness', result: 'success' },
      { type: 'liveness', result: 'success' },
    ]);
    assert.deepEqual(probesOf([c('a', 'running', 'healthy'), c('b', 'running', 'unhealthy'), c('c', 'exited')]), [
      { type: 'readiness', result: 'failure', message: 'b is unhealthy' },
      { type: 'liveness', result: 'failure', message: 'c is exited' },
    ]);
  });

  test('a check still starting, or none at all, says nothing about readiness', () => {
    assert.deepEqual(probesOf([c('a', 'running', 'healthy'), c('b', 'running', 'starting')]), [
      { type: 'liveness', result: 'success' },
    ]);
    assert.deepEqual(probesOf([c('a', 'running')]), [{ type: 'liveness', result: 'success' }]);
  });
});
