// Against a recorded Docker Engine API (test/docker-engine.ts): Podman installs here, but crun cannot set
// RLIMIT_NOFILE/RLIMIT_NPROC in this sandbox, so no container can start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerDriver } from '../drivers/docker.ts';
import { FakeEngine } from './docker-engine.ts';

const ref = { cluster: 'edge', namespace: 'shop', name: 'web' };
const labels = { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' };
const ctx = (steps: [string, Record<string, unknown> | undefined][] = []) => ({
  progress: (s: string, d?: Record<string, unknown>) => void steps.push([s, d]),
  signal: new AbortController().signal,
});

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
    assert.deepEqual(
      steps.map(([s, x]) => [s, x?.batch, x?.updated]),
      [
        ['batch', 1, 2],
        ['batch', 2, 4],
      ],
    );
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
      /batch 1\/4 of nginx:broken: not ready within 0 s; rolled back to nginx:1.26/,
    );
    assert.equal(steps[0][0], 'rollback');
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

  test('unknown clusters and empty services fail clearly', async () => {
    await assert.rejects(d.scale({ ...ref, cluster: 'nope' }, 1), /docker cluster 'nope' is not configured/);
    await assert.rejects(d.scale({ ...ref, name: 'ghost' }, 2), /has no container to copy its configuration from/);
  });
});
