// Workloads on a Docker (or Podman) engine. A workload is a compose service: the containers that share the
// `com.docker.compose.service` label (a lone container is a service of one, by its name), namespaced by the compose
// project. The engine has no replica controller, so scaling and rolling updates are done here, container by
// container, from a copy of an existing container's configuration.
import { randomBytes } from 'node:crypto';
import type { ObservedWorkload } from '../../worker/virtualization/agent-protocol.ts';
import { DockerApi } from './docker-api.ts';
import type { ContainerInspect, ContainerSummary } from './docker-api.ts';
import { detached } from './types.ts';
import type { Output, RolloutOptions, RunContext, Unreached, WorkloadDriver, WorkloadRef } from './types.ts';

const SERVICE = 'com.docker.compose.service';
const PROJECT = 'com.docker.compose.project';
/** the image a rolling update replaced: what rollback() returns to */
const PREVIOUS = 'dev.dc-platform.previous-image';

export interface DockerOptions {
  /** how long one batch may take to become ready before the update is rolled back */
  readyTimeoutMs?: number;
  pollMs?: number;
}

const workloadOf = (c: ContainerSummary) => ({
  namespace: c.Labels?.[PROJECT] ?? 'default',
  name: c.Labels?.[SERVICE] ?? (c.Names[0] ?? c.Id).replace(/^\//, ''),
});

export const isReady = (c: ContainerInspect): boolean =>
  c.State.Health && c.State.Health.Status !== 'none' ? c.State.Health.Status === 'healthy' : c.State.Running;

/**
 * What Docker's own checks say, as the platform's probe kinds: the HEALTHCHECK is the readiness probe (Docker
 * routes nothing by it, but it is the only "is it serving" signal an engine has), a container that stopped running
 * fails liveness. A failure names the first replica that fails; a check still starting reports nothing yet.
 */
export function probesOf(inspected: ContainerInspect[]): NonNullable<ObservedWorkload['probes']> {
  const probes: NonNullable<ObservedWorkload['probes']> = [];
  const name = (c: ContainerInspect) => c.Name.replace(/^\//, '');
  const checked = inspected.filter((c) => c.State.Health && c.State.Health.Status !== 'none');
  const unhealthy = checked.find((c) => c.State.Health!.Status === 'unhealthy');
  if (unhealthy) probes.push({ type: 'readiness', result: 'failure', message: `${name(unhealthy)} is unhealthy` });
  else if (checked.length && checked.every((c) => c.State.Health!.Status === 'healthy')) {
    probes.push({ type: 'readiness', result: 'success' });
  }
  const stopped = inspected.find((c) => !c.State.Running);
  probes.push(
    stopped
      ? { type: 'liveness', result: 'failure', message: `${name(stopped)} is ${stopped.State.Status}` }
      : { type: 'liveness', result: 'success' },
  );
  return probes;
}

export class DockerDriver implements WorkloadDriver {
  readonly name = 'docker' as const;
  private readonly apis = new Map<string, DockerApi>();
  private readonly o: Required<DockerOptions>;

  constructor(clusters: Record<string, string>, options: DockerOptions = {}) {
    for (const [cluster, endpoint] of Object.entries(clusters)) this.apis.set(cluster, new DockerApi(endpoint));
    this.o = { readyTimeoutMs: options.readyTimeoutMs ?? 120_000, pollMs: options.pollMs ?? 1000 };
  }

  clusters(): string[] {
    return [...this.apis.keys()];
  }

  private api(cluster: string): DockerApi {
    const api = this.apis.get(cluster);
    if (!api) throw new Error(`docker cluster '${cluster}' is not configured on this agent`);
    return api;
  }

  private unreached: Unreached[] = [];

  unreachable(): Unreached[] {
    return this.unreached;
  }

  /** Every engine that answers; one that does not is reported by unreachable() and does not hide the others. */
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
    const api = this.api(cluster);
    const groups = new Map<string, ContainerSummary[]>();
    for (const c of await api.listContainers()) {
      const w = workloadOf(c);
      const key = `${w.namespace}/${w.name}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const containers of groups.values()) {
      const { namespace, name } = workloadOf(containers[0]);
      const newest = [...containers].sort((a, b) => b.Created - a.Created)[0];
      const inspected = await Promise.all(containers.map((c) => api.inspect(c.Id)));
      out.push({
        driver: 'docker',
        cluster,
        namespace,
        name,
        image: newest.Image,
        replicas_desired: containers.length,
        replicas_ready: inspected.filter(isReady).length,
        replicas_updated: containers.filter((c) => c.Image === newest.Image).length,
        probes: probesOf(inspected),
      });
    }
    return out;
  }

  private async containersOf(ref: WorkloadRef): Promise<ContainerSummary[]> {
    const all = await this.api(ref.cluster).listContainers();
    return all
      .filter((c) => {
        const w = workloadOf(c);
        return w.namespace === ref.namespace && w.name === ref.name;
      })
      .sort((a, b) => a.Created - b.Created);
  }

  async scale(ref: WorkloadRef, replicas: number): Promise<Output> {
    const api = this.api(ref.cluster);
    const containers = await this.containersOf(ref);
    if (!containers.length && replicas > 0)
      throw new Error(`docker workload ${ref.namespace}/${ref.name} has no container to copy its configuration from`);
    const removed: string[] = [];
    const created: string[] = [];
    // the newest go first when shrinking: the oldest have proven themselves
    for (const c of containers.slice(replicas).reverse()) {
      await api.remove(c.Id);
      removed.push(c.Id);
    }
    if (replicas > containers.length) {
      const template = await api.inspect(containers[containers.length - 1].Id);
      for (let i = containers.length; i < replicas; i++)
        created.push(await this.spawn(ref, template, template.Config.Image));
    }
    return { replicas, created: created.length, removed: removed.length };
  }

  setImage(ref: WorkloadRef, options: RolloutOptions, ctx: RunContext): Promise<Output> {
    // `container` names a container within a pod; a docker replica is a single container, so it has no meaning here
    return this.rollingUpdate(ref, options, ctx, true);
  }

  async rollback(ref: WorkloadRef, ctx: RunContext): Promise<Output> {
    const containers = await this.containersOf(ref);
    const previous = containers.map((c) => c.Labels?.[PREVIOUS]).find(Boolean);
    if (!previous)
      throw new Error(`docker workload ${ref.namespace}/${ref.name} has no previous image to roll back to`);
    return this.rollingUpdate(ref, { image: previous, max_surge: 1, max_unavailable: 0, batch_size: 1 }, ctx, false);
  }

  async close(): Promise<void> {}

  /**
   * Batch by batch. Each batch is announced (`batch`, phase 'starting') and reported once its new containers are
   * ready and the old ones gone (phase 'done'); before each, a paused operation waits at ctx.checkpoint().
   * `label`: what the new containers record as their previous image (default: the image they replace).
   */
  private async rollingUpdate(
    ref: WorkloadRef,
    o: RolloutOptions,
    ctx: RunContext,
    autoRollback: boolean,
    label?: string | null,
  ): Promise<Output> {
    if (o.max_surge === 0 && o.max_unavailable === 0) throw new Error('max_surge and max_unavailable cannot both be 0');
    const api = this.api(ref.cluster);
    const containers = await this.containersOf(ref);
    if (!containers.length) throw new Error(`docker workload ${ref.namespace}/${ref.name} has no containers`);
    const old = containers.filter((c) => c.Image !== o.image);
    const previous = old[0]?.Image;
    if (!previous) return { image: o.image, replicas: containers.length, unchanged: true };
    // a batch may surge by max_surge and go down by max_unavailable, never more
    const step = Math.max(1, Math.min(o.batch_size, o.max_surge + o.max_unavailable));
    const batches = Math.ceil(old.length / step);
    const current = containers.length - old.length;
    for (let b = 0; b < batches; b++) {
      const batch = old.slice(b * step, (b + 1) * step);
      const removeFirst = batch.length - Math.min(batch.length, o.max_surge);
      const fresh: string[] = [];
      let templates: ContainerInspect[] = [];
      try {
        // paused: hold here, before the batch; cancelled (paused or not): roll back what earlier batches did
        await ctx.checkpoint();
        ctx.progress('batch', { batch: b + 1, batches, image: o.image, phase: 'starting' });
        templates = await Promise.all(batch.map((c) => api.inspect(c.Id)));
        for (const c of batch.slice(0, removeFirst)) await api.remove(c.Id);
        for (const t of templates)
          fresh.push(await this.spawn(ref, t, o.image, label === undefined ? previous : label));
        await this.waitReady(ref, fresh, ctx.signal);
        for (const c of batch.slice(removeFirst)) await api.remove(c.Id);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        if (!autoRollback) throw new Error(`batch ${b + 1}/${batches}: ${why}`, { cause: err });
        ctx.progress('rollback', { batch: b + 1, batches, image: previous, reason: why });
        // this batch: its new containers go, the ones it removed first come back; earlier batches roll back
        for (const id of fresh) await api.remove(id);
        const restored: string[] = [];
        for (const t of templates.slice(0, removeFirst)) restored.push(await this.spawn(ref, t, previous));
        // best effort: the rollback reports the original failure whether or not the old image comes up
        await this.waitReady(ref, restored, new AbortController().signal).catch(() => undefined);
        // the failed attempt is forgotten: the restored containers record what the old ones recorded
        const prior = old[0].Labels?.[PREVIOUS] ?? null;
        const back = { ...o, image: previous };
        // neither paused nor cancelled once begun; its batches say they are the rollback's
        const rollbackCtx = detached((step, detail) => ctx.progress(step, { ...detail, rollback: true }));
        await this.rollingUpdate(ref, back, rollbackCtx, false, prior);
        throw new Error(`batch ${b + 1}/${batches} of ${o.image}: ${why}; rolled back to ${previous}`, { cause: err });
      }
      const ready = await this.readyCount(ref);
      ctx.progress('batch', {
        batch: b + 1,
        batches,
        image: o.image,
        phase: 'done',
        updated: current + Math.min((b + 1) * step, old.length),
        total: containers.length,
        ...(ready === null ? {} : { ready }),
      });
    }
    return { image: o.image, previous_image: previous, replicas: containers.length, batches };
  }

  private async spawn(
    ref: WorkloadRef,
    template: ContainerInspect,
    image: string,
    previous?: string | null,
  ): Promise<string> {
    const api = this.api(ref.cluster);
    // Hostname is the template's container id: a copy must get its own
    const { Hostname: _h, Image: _i, Labels, ...config } = template.Config;
    const labels: Record<string, string> = { ...(Labels ?? {}), [SERVICE]: ref.name };
    if (ref.namespace !== 'default') labels[PROJECT] = ref.namespace;
    if (previous) labels[PREVIOUS] = previous;
    else if (previous === null) delete labels[PREVIOUS];
    const name = `${ref.namespace === 'default' ? '' : `${ref.namespace}-`}${ref.name}-${randomBytes(3).toString('hex')}`;
    const id = await api.create(name, { ...config, Image: image, Labels: labels, HostConfig: template.HostConfig });
    await api.startContainer(id);
    return id;
  }

  /** how many replicas of the workload are ready now; null when the engine cannot say */
  private async readyCount(ref: WorkloadRef): Promise<number | null> {
    const api = this.api(ref.cluster);
    try {
      const states = await Promise.all((await this.containersOf(ref)).map((c) => api.inspect(c.Id).catch(() => null)));
      return states.filter((s) => s && isReady(s)).length;
    } catch {
      return null;
    }
  }

  private async waitReady(ref: WorkloadRef, ids: string[], signal: AbortSignal): Promise<void> {
    const api = this.api(ref.cluster);
    const deadline = Date.now() + this.o.readyTimeoutMs;
    for (;;) {
      if (signal.aborted) throw signal.reason ?? new Error('cancelled');
      const states = await Promise.all(ids.map((id) => api.inspect(id)));
      const failed = states.find(
        (s) => s.State.Health?.Status === 'unhealthy' || ['exited', 'dead'].includes(s.State.Status),
      );
      if (failed)
        throw new Error(
          `container ${failed.Name.replace(/^\//, '')} is ${failed.State.Health?.Status === 'unhealthy' ? 'unhealthy' : failed.State.Status}`,
        );
      if (states.every(isReady)) return;
      if (Date.now() > deadline) throw new Error(`not ready within ${Math.round(this.o.readyTimeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, this.o.pollMs));
    }
  }
}
