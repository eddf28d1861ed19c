// Workloads on Kubernetes: apps/v1 Deployments, one cluster per context of the kubeconfig. The Deployment
// controller does the rolling itself (max_surge/max_unavailable go into its strategy); the agent patches, then
// watches the rollout by polling status, and patches the previous image back if it does not complete. A paused
// operation pauses the Deployment itself (spec.paused, as `kubectl rollout pause` does): the controller then starts
// no new ReplicaSet scaling until it is resumed, and the agent's watch neither times out nor rolls back meanwhile.
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { ObservedWorkload } from '../../worker/virtualization/agent-protocol.ts';
import { detached } from './types.ts';
import type { Output, RolloutOptions, RunContext, Unreached, WorkloadDriver, WorkloadRef } from './types.ts';

/** the image a set_image replaced, kept on the Deployment so a rollback works from any agent, after any restart */
const PREVIOUS = 'dc-platform.dev/previous-image';

export interface KubernetesOptions {
  rolloutTimeoutMs?: number;
  pollMs?: number;
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

export class KubernetesDriver implements WorkloadDriver {
  readonly name = 'kubernetes' as const;
  private readonly apis = new Map<string, AppsV1Api>();
  private readonly cores = new Map<string, CoreV1Api>();
  private readonly o: Required<KubernetesOptions>;

  constructor(kubeconfigPath: string, options: KubernetesOptions = {}) {
    const probe = new KubeConfig();
    probe.loadFromFile(kubeconfigPath);
    for (const context of probe.getContexts()) {
      // one KubeConfig per context: a client reads the current user at request time, so sharing one and
      // switching contexts would send one cluster's credentials to another
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      kc.setCurrentContext(context.name);
      this.apis.set(context.name, kc.makeApiClient(AppsV1Api));
      this.cores.set(context.name, kc.makeApiClient(CoreV1Api));
    }
    if (!this.apis.size) throw new Error('the kubeconfig has no contexts');
    this.o = { rolloutTimeoutMs: options.rolloutTimeoutMs ?? 600_000, pollMs: options.pollMs ?? 2000 };
  }

  clusters(): string[] {
    return [...this.apis.keys()];
  }

  private api(cluster: string): AppsV1Api {
    const api = this.apis.get(cluster);
    if (!api) throw new Error(`kubernetes cluster '${cluster}' is not a context of the kubeconfig`);
    return api;
  }

  private unreached: Unreached[] = [];

  unreachable(): Unreached[] {
    return this.unreached;
  }

  /** Every cluster that answers; one that does not is reported by unreachable() and does not hide the others. */
  async list(): Promise<ObservedWorkload[]> {
    const out: ObservedWorkload[] = [];
    const unreached: Unreached[] = [];
    for (const cluster of this.clusters()) {
      try {
        out.push(...(await this.listCluster(cluster)));
      } catch (e) {
        unreached.push({ target: cluster, error: e instanceof Error ? e.message : String(e) });
      }
    }
    this.unreached = unreached;
    return out;
  }

  private async listCluster(cluster: string): Promise<ObservedWorkload[]> {
    const out: ObservedWorkload[] = [];
    const list = await this.api(cluster).listDeploymentForAllNamespaces();
    for (const d of list.items) {
      out.push({
        driver: 'kubernetes',
        cluster,
        namespace: d.metadata?.namespace ?? 'default',
        name: d.metadata?.name ?? '',
        image: d.spec?.template.spec?.containers[0]?.image ?? '',
        replicas_desired: d.spec?.replicas ?? 1,
        replicas_ready: d.status?.readyReplicas ?? 0,
        replicas_updated: d.status?.updatedReplicas ?? 0,
        ...(await this.probes(cluster, d)),
      });
    }
    return out;
  }

  /**
   * The probes' verdicts as the kubelet reports them on the Deployment's pods: a pod not Ready failed readiness,
   * a container in CrashLoopBackOff keeps failing (its liveness probe, or its process) — the first culprit named.
   * Nothing when the pods cannot be listed (no RBAC for pods): no verdict rather than a guessed one.
   */
  private async probes(cluster: string, d: V1Deployment): Promise<{ probes?: ObservedWorkload['probes'] }> {
    const labels = d.spec?.selector?.matchLabels;
    if (!labels || !Object.keys(labels).length) return {};
    let pods: V1Pod[];
    try {
      const list = await this.cores.get(cluster)!.listNamespacedPod({
        namespace: d.metadata?.namespace ?? 'default',
        labelSelector: Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      });
      pods = list.items;
    } catch {
      return {};
    }
    if (!pods.length) return {};
    const unready = pods.find((p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True');
    const readyCondition = unready?.status?.conditions?.find((c) => c.type === 'Ready');
    const crashing = pods
      .flatMap((p) => (p.status?.containerStatuses ?? []).map((c) => ({ pod: p, c })))
      .find(({ c }) => c.state?.waiting?.reason === 'CrashLoopBackOff');
    return {
      probes: [
        unready
          ? {
              type: 'readiness',
              result: 'failure',
              message: `${unready.metadata?.name}: ${readyCondition?.message ?? readyCondition?.reason ?? 'not ready'}`,
            }
          : { type: 'readiness', result: 'success' },
        crashing
          ? {
              type: 'liveness',
              result: 'failure',
              message: `${crashing.pod.metadata?.name}/${crashing.c.name}: CrashLoopBackOff (${crashing.c.restartCount} restarts)`,
            }
          : { type: 'liveness', result: 'success' },
      ],
    };
  }

  async scale(ref: WorkloadRef, replicas: number): Promise<Output> {
    const d = await this.api(ref.cluster).patchNamespacedDeployment(
      { name: ref.name, namespace: ref.namespace, body: { spec: { replicas } } },
      merge,
    );
    return { replicas: d.spec?.replicas ?? replicas };
  }

  async setImage(ref: WorkloadRef, o: RolloutOptions, ctx: RunContext): Promise<Output> {
    const api = this.api(ref.cluster);
    const current = await api.readNamespacedDeployment({ name: ref.name, namespace: ref.namespace });
    const containers = current.spec?.template.spec?.containers ?? [];
    const container = o.container ? containers.find((c) => c.name === o.container) : containers[0];
    if (!container)
      throw new Error(`deployment ${ref.namespace}/${ref.name} has no container ${o.container ?? ''}`.trim());
    const previous = container.image ?? '';
    if (previous === o.image) return { image: o.image, unchanged: true };
    // paused before it began: nothing changes until it is resumed
    await ctx.checkpoint();
    const hold: Hold = { paused: false };
    const patched = await this.patchImage(ref, container.name, o.image, previous, o);
    try {
      await this.watchRollout(ref, patched, ctx, hold);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      ctx.progress('rollback', { image: previous, reason: why });
      // the failed attempt never happened as far as rollback() is concerned: its predecessor stays recorded
      const prior = current.metadata?.annotations?.[PREVIOUS] ?? null;
      // a Deployment the agent paused is resumed by the same patch, or the old image would never roll back
      const back = await this.patchImage(ref, container.name, previous, prior, o, hold.paused ? false : undefined);
      // wait for the old image to be back, but a failed wait must not hide the original failure
      await this.watchRollout(ref, back, detached(ctx.progress), { paused: false }).catch(() => undefined);
      throw new Error(`rollout of ${o.image}: ${why}; rolled back to ${previous}`, { cause: err });
    }
    return { image: o.image, previous_image: previous, container: container.name };
  }

  async rollback(ref: WorkloadRef, ctx: RunContext): Promise<Output> {
    const d = await this.api(ref.cluster).readNamespacedDeployment({ name: ref.name, namespace: ref.namespace });
    const previous = d.metadata?.annotations?.[PREVIOUS];
    if (!previous) throw new Error(`deployment ${ref.namespace}/${ref.name} has no previous image to roll back to`);
    const container = d.spec?.template.spec?.containers[0];
    if (!container) throw new Error(`deployment ${ref.namespace}/${ref.name} has no container`);
    await ctx.checkpoint();
    const patched = await this.patchImage(ref, container.name, previous, container.image ?? '', {
      max_surge: 1,
      max_unavailable: 0,
    });
    const hold: Hold = { paused: false };
    try {
      await this.watchRollout(ref, patched, ctx, hold);
    } finally {
      // never leave a Deployment paused by the agent behind
      if (hold.paused) await this.setPaused(ref, false).catch(() => undefined);
    }
    return { image: previous };
  }

  async close(): Promise<void> {}

  private patchImage(
    ref: WorkloadRef,
    container: string,
    image: string,
    previous: string | null,
    o: { max_surge: number; max_unavailable: number },
    paused?: boolean,
  ): Promise<V1Deployment> {
    // strategic merge: the containers list merges by name, so the other containers of the pod stay as they are
    const body = {
      metadata: { annotations: { [PREVIOUS]: previous } },
      spec: {
        ...(paused === undefined ? {} : { paused }),
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: o.max_surge, maxUnavailable: o.max_unavailable },
        },
        template: { spec: { containers: [{ name: container, image }] } },
      },
    };
    return this.api(ref.cluster).patchNamespacedDeployment(
      { name: ref.name, namespace: ref.namespace, body },
      strategic,
    );
  }

  /** `kubectl rollout pause` / `resume`: a merge patch of spec.paused */
  private async setPaused(ref: WorkloadRef, paused: boolean): Promise<void> {
    await this.api(ref.cluster).patchNamespacedDeployment(
      { name: ref.name, namespace: ref.namespace, body: { spec: { paused } } },
      merge,
    );
  }

  /**
   * Complete as `kubectl rollout status` judges it: the controller saw this generation and every replica is new and
   * available. The operation's pause and resume are applied to the Deployment as they come (`hold.paused` says
   * whether the agent left it paused); while paused the clock stops: no timeout, no stall, and a full timeout again
   * from the resume, as the controller's own progress deadline does.
   */
  private async watchRollout(ref: WorkloadRef, patched: V1Deployment, ctx: RunContext, hold: Hold): Promise<void> {
    const api = this.api(ref.cluster);
    const generation = patched.metadata?.generation ?? 0;
    let deadline = Date.now() + this.o.rolloutTimeoutMs;
    let last = '';
    for (;;) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');
      const wanted = ctx.isPaused();
      if (wanted !== hold.paused) {
        await this.setPaused(ref, wanted);
        hold.paused = wanted;
      }
      if (hold.paused) deadline = Date.now() + this.o.rolloutTimeoutMs;
      const d = await api.readNamespacedDeployment({ name: ref.name, namespace: ref.namespace });
      const s = d.status ?? {};
      const desired = d.spec?.replicas ?? 1;
      const seen = (s.observedGeneration ?? 0) >= generation;
      const progress = {
        desired,
        updated: s.updatedReplicas ?? 0,
        ready: s.readyReplicas ?? 0,
        available: s.availableReplicas ?? 0,
        total: s.replicas ?? 0,
      };
      const stamp = JSON.stringify(progress);
      if (seen && stamp !== last) {
        last = stamp;
        ctx.progress('rollout', progress);
      }
      const stalled = s.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
      if (seen && stalled && !hold.paused)
        throw new Error(`rollout stalled: ${stalled.message ?? 'progress deadline exceeded'}`);
      if (
        seen &&
        progress.updated === desired &&
        progress.total === desired &&
        progress.available === desired &&
        progress.ready === desired
      ) {
        // paused when there was nothing left to hold: the Deployment is not left paused behind the operation
        if (hold.paused) {
          await this.setPaused(ref, false);
          hold.paused = false;
        }
        return;
      }
      if (Date.now() > deadline) throw new Error(`not ready within ${Math.round(this.o.rolloutTimeoutMs / 1000)} s`);
      await sleep(this.o.pollMs, ctx);
    }
  }
}

/** whether the agent has paused the Deployment (so it must resume it, whatever happens) */
interface Hold {
  paused: boolean;
}

/** a poll interval that a pause, a resume or a cancel cuts short */
function sleep(ms: number, ctx: RunContext): Promise<void> {
  return new Promise((resolve) => {
    const stops: (() => void)[] = [];
    const done = () => {
      for (const stop of stops) stop();
      resolve();
    };
    const timer = setTimeout(done, ms);
    stops.push(() => clearTimeout(timer));
    stops.push(ctx.onPause(done));
    ctx.signal.addEventListener('abort', done, { once: true });
    stops.push(() => ctx.signal.removeEventListener('abort', done));
  });
}
