// A recorded apps/v1 API for the kubernetes driver's tests: Deployment bodies as the API reference gives them,
// and a stand-in for the Deployment controller that moves status one step per read. Pods of an image tagged
// `broken` never become ready, so a rollout to it stalls. A paused Deployment (spec.paused, what `kubectl rollout
// pause` sets) is observed but not rolled: its Progressing condition says DeploymentPaused until it is resumed.
import { createServer } from 'node:http';
import type { Server } from 'node:http';

interface Container {
  name: string;
  image: string;
  ports?: unknown[];
}

export class FakeApiServer {
  server!: Server;
  /** one pod's container keeps crashing (its liveness probe kills it): the kubelet backs off */
  crashLoop = false;
  /** this many of the last pods fail their readiness probe whatever the controller says */
  notReady = 0;
  url = '';
  patches: { contentType: string; body: unknown }[] = [];
  /** the last patch changed the pod template: the controller starts over with a new ReplicaSet */
  private templateChanged = false;
  deployment = {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: '1f0c8b1c-3a35-4b4e-9d53-6f6b7e2a1c11',
      resourceVersion: '100',
      generation: 1,
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: { app: 'web' },
      annotations: { 'deployment.kubernetes.io/revision': '1' } as Record<string, string>,
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] },
            { name: 'metrics', image: 'prom/nginx-exporter:0.11' },
          ] as Container[],
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } } as unknown,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      paused: undefined as boolean | undefined,
    },
    status: {
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: 'ReplicaSet "web-7d9c6b5b8f" has successfully progressed.',
        },
      ],
    },
  };

  /** the controller's next step: observe the generation, then replace pods one by one */
  private reconcile(): void {
    const d = this.deployment;
    const s = d.status;
    const desired = d.spec.replicas;
    const fresh = s.observedGeneration < d.metadata.generation;
    const progressing = s.conditions.find((c) => c.type === 'Progressing')!;
    if (fresh) {
      s.observedGeneration = d.metadata.generation;
      if (this.templateChanged) s.updatedReplicas = 0;
      this.templateChanged = false;
      if (d.spec.paused) Object.assign(progressing, { status: 'Unknown', reason: 'DeploymentPaused' });
      else if (progressing.reason === 'DeploymentPaused')
        Object.assign(progressing, { status: 'True', reason: 'DeploymentResumed' });
      return;
    }
    // paused: the controller scales no ReplicaSet, so nothing moves
    if (d.spec.paused) return;
    const broken = d.spec.template.spec.containers.some((c) => c.image.endsWith(':broken'));
    if (broken) {
      Object.assign(s, {
        updatedReplicas: 1,
        replicas: desired + 1,
        readyReplicas: desired,
        availableReplicas: desired,
      });
      return;
    }
    const updated = Math.min(desired, s.updatedReplicas + 1);
    Object.assign(s, {
      updatedReplicas: updated,
      replicas: updated < desired ? desired + 1 : desired,
      readyReplicas: updated < desired ? desired : desired,
      availableReplicas: desired,
    });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const send = (status: number, json: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        const path = new URL(req.url ?? '/', 'http://api').pathname;
        const one = '/apis/apps/v1/namespaces/shop/deployments/web';
        if (req.method === 'GET' && path === '/apis/apps/v1/deployments') {
          this.reconcile();
          return send(200, {
            kind: 'DeploymentList',
            apiVersion: 'apps/v1',
            metadata: { resourceVersion: '101' },
            items: [this.deployment],
          });
        }
        if (req.method === 'GET' && path === '/api/v1/namespaces/shop/pods') {
          const selector = new URL(req.url ?? '/', 'http://api').searchParams.get('labelSelector');
          if (selector !== 'app=web') return send(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] });
          return send(200, {
            kind: 'PodList',
            apiVersion: 'v1',
            metadata: { resourceVersion: '102' },
            items: this.pods(),
          });
        }
        if (req.method === 'GET' && path === one) {
          this.reconcile();
          return send(200, this.deployment);
        }
        if (req.method === 'PATCH' && path === one) {
          const patch = JSON.parse(body);
          this.patches.push({ contentType: String(req.headers['content-type']), body: patch });
          this.apply(patch, String(req.headers['content-type']));
          return send(200, this.deployment);
        }
        send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `deployments.apps "${path.split('/').pop()}" not found`,
          reason: 'NotFound',
          code: 404,
        });
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }

  /** the Deployment's pods as the kubelet reports them: the first readyReplicas Ready, the others not */
  private pods() {
    const s = this.deployment.status;
    return Array.from({ length: s.replicas }, (_, i) => {
      const ready = i < s.readyReplicas && i < s.replicas - this.notReady;
      const crashing = this.crashLoop && i === 0;
      return {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: `web-7d9c6b5b8f-${'abcdefgh'[i] ?? i}x2kq`, namespace: 'shop', labels: { app: 'web' } },
        status: {
          phase: 'Running',
          conditions: [
            { type: 'Initialized', status: 'True' },
            ready
              ? { type: 'Ready', status: 'True' }
              : {
                  type: 'Ready',
                  status: 'False',
                  reason: 'ContainersNotReady',
                  message: 'containers with unready status: [nginx]',
                },
          ],
          containerStatuses: [
            {
              name: 'nginx',
              ready,
              restartCount: crashing ? 5 : 0,
              state: crashing
                ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } }
                : { running: { startedAt: '2024-05-01T10:00:05Z' } },
            },
          ],
        },
      };
    });
  }

  private apply(patch: any, contentType: string): void {
    const d = this.deployment;
    if (patch.metadata?.annotations) Object.assign(d.metadata.annotations, patch.metadata.annotations);
    if (patch.spec?.replicas !== undefined) d.spec.replicas = patch.spec.replicas;
    if (patch.spec?.strategy) d.spec.strategy = patch.spec.strategy;
    if (patch.spec?.paused !== undefined) d.spec.paused = patch.spec.paused ?? undefined;
    for (const c of patch.spec?.template?.spec?.containers ?? []) {
      // strategic merge: containers merge by name; a JSON merge patch would replace the whole list
      if (!contentType.includes('strategic')) throw new Error('containers patched without strategic merge');
      const target = d.spec.template.spec.containers.find((x) => x.name === c.name);
      if (target && target.image !== c.image) this.templateChanged = true;
      if (target) Object.assign(target, c);
    }
    d.metadata.generation++;
    d.metadata.resourceVersion = String(Number(d.metadata.resourceVersion) + 1);
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
