// Against recorded apps/v1 responses (test/kube-apiserver.ts) through a kubeconfig that points at them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesDriver } from '../drivers/kubernetes.ts';
import { PauseGate } from '../pause.ts';
import { FakeApiServer } from './kube-apiserver.ts';

const ref = { cluster: 'prod-eu', namespace: 'shop', name: 'web' };
const ctx = (
  steps: [string, Record<string, unknown> | undefined][] = [],
  gate = new PauseGate(),
  signal?: AbortSignal,
) => gate.context((s, d) => void steps.push([s, d]), signal ?? new AbortController().signal);

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
        probes: [
          { type: 'readiness', result: 'success' },
          { type: 'liveness', result: 'success' },
        ],
      },
    ]);
  });

  test("probe verdicts come from the pods' conditions: not Ready, CrashLoopBackOff", async () => {
    api.crashLoop = true;
    api.notReady = 1;
    try {
      const [w] = await d.list();
      assert.deepEqual(w?.probes, [
        {
          type: 'readiness',
          result: 'failure',
          message: 'web-7d9c6b5b8f-cx2kq: containers with unready status: [nginx]',
        },
        {
          type: 'liveness',
          result: 'failure',
          message: 'web-7d9c6b5b8f-ax2kq/nginx: CrashLoopBackOff (5 restarts)',
        },
      ]);
    } finally {
      api.crashLoop = false;
      api.notReady = 0;
    }
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

  test('a paused rollout pauses the Deployment, does not time out while paused, and goes on when resumed', async () => {
    const steps: [string, Record<string, unknown> | undefined][] = [];
    const gate = new PauseGate();
    const c = ctx(steps, gate);
    const progress = c.progress;
    c.progress = (step, detail) => {
      progress(step, detail);
      if (step === 'rollout' && detail?.updated === 2 && !gate.paused) gate.pause();
    };
    const before = api.patches.length;
    let settled = false;
    const run = d
      .setImage(ref, { image: 'nginx:1.27', max_surge: 1, max_unavailable: 0, batch_size: 1 }, c)
      .finally(() => (settled = true));
    // paused for longer than the rollout may take (300 ms): no timeout, no rollback, no new pods
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(settled, false);
    assert.deepEqual(api.patches.slice(before + 1), [
      { contentType: 'application/merge-patch+json', body: { spec: { paused: true } } },
    ]);
    assert.equal(api.deployment.spec.paused, true);
    assert.equal(api.deployment.status.updatedReplicas, 2);
    assert.ok(!steps.some(([s]) => s === 'rollback'));
    gate.resume();
    assert.deepEqual(await run, { image: 'nginx:1.27', previous_image: 'nginx:1.25', container: 'nginx' });
    assert.deepEqual(api.patches.slice(before + 2), [
      { contentType: 'application/merge-patch+json', body: { spec: { paused: false } } },
    ]);
    assert.equal(api.deployment.spec.paused, false);
    assert.deepEqual(
      steps.map(([, x]) => x?.updated),
      [0, 1, 2, 3, 4],
    );
  });

  test('cancelled while paused, the rollback patch resumes the Deployment with the previous image', async () => {
    const gate = new PauseGate();
    const abort = new AbortController();
    const c = ctx([], gate, abort.signal);
    const progress = c.progress;
    c.progress = (step, detail) => {
      progress(step, detail);
      if (step === 'rollout' && detail?.updated === 1 && !gate.paused) {
        gate.pause();
        setTimeout(() => abort.abort(new Error('cancelled by the platform')), 50);
      }
    };
    const before = api.patches.length;
    await assert.rejects(
      d.setImage(ref, { image: 'nginx:1.28', max_surge: 1, max_unavailable: 0, batch_size: 1 }, c),
      /rollout of nginx:1.28: cancelled by the platform; rolled back to nginx:1.27/,
    );
    const sent = api.patches.slice(before).map((p) => p.body as any);
    assert.deepEqual(sent[1], { spec: { paused: true } });
    assert.equal(sent[2].spec.paused, false);
    assert.deepEqual(sent[2].spec.template.spec.containers, [{ name: 'nginx', image: 'nginx:1.27' }]);
    assert.equal(sent.length, 3);
    assert.equal(api.deployment.spec.paused, false);
    assert.equal(api.deployment.spec.template.spec.containers[0].image, 'nginx:1.27');
  });

  test('paused before it began, nothing is patched until it is resumed', async () => {
    const gate = new PauseGate();
    gate.pause();
    const before = api.patches.length;
    const run = d.setImage(
      ref,
      { image: 'nginx:1.29', max_surge: 1, max_unavailable: 0, batch_size: 1 },
      ctx([], gate),
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.patches.length, before);
    gate.resume();
    assert.equal((await run).image, 'nginx:1.29');
    assert.equal(api.patches.length, before + 1);
  });
});
