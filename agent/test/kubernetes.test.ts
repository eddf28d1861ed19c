// Against recorded apps/v1 responses (test/kube-apiserver.ts) through a kubeconfig that points at them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesDriver } from '../drivers/kubernetes.ts';
import { FakeApiServer } from './kube-apiserver.ts';

const ref = { cluster: 'prod-eu', namespace: 'shop', name: 'web' };
const ctx = (steps: [string, Record<string, unknown> | undefined][] = []) => ({
  progress: (s: string, d?: Record<string, unknown>) => void steps.push([s, d]),
  signal: new AbortController().signal,
});

describe('kubernetes driver (recorded apps/v1 API)', () => {
  const api = new FakeApiServer();
  let d: KubernetesDriver;
  before(async () => {
    await api.start();
    const kubeconfig = join(await mkdtemp(join(tmpdir(), 'dcp-kube-')), 'config');
    await writeFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters:
- name: prod-eu
  cluster:
    server: ${api.url}
    # the client refuses plain http unless told; the recorded server has no TLS
    insecure-skip-tls-verify: true
users:
- name: agent
  user:
    token: test-token
contexts:
- name: prod-eu
  context:
    cluster: prod-eu
    user: agent
current-context: prod-eu
`,
    );
    d = new KubernetesDriver(kubeconfig, { rolloutTimeoutMs: 300, pollMs: 5 });
  });
  after(() => api.stop());

  test('lists deployments as workloads', async () => {
    assert.deepEqual(d.clusters(), ['prod-eu']);
    assert.deepEqual(await d.list(), [
      {
        driver: 'kubernetes',
        cluster: 'prod-eu',
        namespace: 'shop',
        name: 'web',
        image: 'nginx:1.25',
        replicas_desired: 3,
        replicas_ready: 3,
        replicas_updated: 3,
      },
    ]);
  });

  test('scale patches spec.replicas with a merge patch', async () => {
    assert.deepEqual(await d.scale(ref, 4), { replicas: 4 });
    assert.deepEqual(api.patches.at(-1), {
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 4 } },
    });
  });

  test('set image patches the named container and follows the rollout to completion', async () => {
    const steps: [string, Record<string, unknown> | undefined][] = [];
    const out = await d.setImage(
      ref,
      { image: 'nginx:1.26', container: 'nginx', max_surge: 1, max_unavailable: 0, batch_size: 1 },
      ctx(steps),
    );
    assert.deepEqual(out, { image: 'nginx:1.26', previous_image: 'nginx:1.25', container: 'nginx' });
    const patch = api.patches.at(-1);
    assert.equal(patch?.contentType, 'application/strategic-merge-patch+json');
    assert.deepEqual((patch?.body as any).spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    assert.deepEqual(
      steps.map(([, x]) => x?.updated),
      [0, 1, 2, 3, 4],
    );
    assert.deepEqual(steps.at(-1), ['rollout', { desired: 4, updated: 4, ready: 4, available: 4, total: 4 }]);
    assert.equal(
      api.deployment.spec.template.spec.containers[1].image,
      'prom/nginx-exporter:0.11',
      'the sidecar is untouched',
    );
  });

  test('a rollout that does not become ready is rolled back by patching the previous image back', async () => {
    const steps: [string, Record<string, unknown> | undefined][] = [];
    await assert.rejects(
      d.setImage(ref, { image: 'nginx:broken', max_surge: 1, max_unavailable: 0, batch_size: 1 }, ctx(steps)),
      /rollout of nginx:broken: not ready within 0 s; rolled back to nginx:1.26/,
    );
    assert.ok(steps.some(([s]) => s === 'rollback'));
    assert.equal(api.deployment.spec.template.spec.containers[0].image, 'nginx:1.26');
  });

  test('rollback returns to the image the last update replaced; unknown names fail clearly', async () => {
    assert.deepEqual(await d.rollback(ref, ctx()), { image: 'nginx:1.25' });
    await assert.rejects(d.scale({ ...ref, name: 'nope' }, 1), /not found/);
    await assert.rejects(d.scale({ ...ref, cluster: 'other' }, 1), /kubernetes cluster 'other' is not a context/);
  });
});
