// Container platforms in the UI: the cluster form's fields, the workload form's scalar fields, the tones of
// their states, and how a workload operation's steps read. Values are validated with the API's own schemas
// ($worker/virtualization/schemas/container), imported by the pages and forms.
import { SECURITY_ZONES } from '$worker/platform/schemas/common';
import { CLUSTER_KINDS } from '$worker/virtualization/schemas/container';
import { humanize, type Tone } from '$lib/format';
import type { FieldSpec, Option, Section, Values } from '$lib/forms';
import type { Cluster, Datacenter, Workload, WorkloadOperation } from '$lib/types';

export const KIND_LABEL: Record<string, string> = { kubernetes: 'Kubernetes', docker: 'Docker', podman: 'Podman' };
export const KIND_TONE: Record<string, Tone> = { kubernetes: 'accent', docker: 'info', podman: 'neutral' };

const kindOptions: Option[] = CLUSTER_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] ?? k }));

/** A cluster: the datacenter is chosen once (its site agent drives the cluster under its name). */
export function clusterSections(datacenters: Datacenter[], creating: boolean): Section[] {
  return [
    {
      title: 'Cluster',
      description:
        'A Kubernetes cluster or a Docker/Podman host. The site agent of its datacenter drives it under this name, ' +
        'so it must match the name in the agent’s configuration. Names are unique.',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'ams1-k8s-prod', mono: true },
        { name: 'kind', label: 'Kind', type: 'select', options: kindOptions },
        ...(creating
          ? [
              {
                name: 'datacenter_id',
                label: 'Datacenter',
                type: 'select',
                numeric: true,
                required: true,
                emptyOption: 'Select a datacenter…',
                options: datacenters.map((d) => ({ value: String(d.id), label: d.name })),
                help: 'Whose site agent drives it; cannot change later',
              } satisfies FieldSpec,
            ]
          : []),
        {
          name: 'security_zone',
          label: 'Security zone',
          type: 'select',
          options: SECURITY_ZONES,
          help: 'Its workloads inherit it',
        },
      ],
    },
    {
      title: 'Connection',
      description:
        'Where the API of the orchestrator answers, and which version runs. For people: the agent has its own.',
      fields: [
        {
          name: 'endpoint',
          label: 'Endpoint',
          type: 'text',
          nullable: true,
          mono: true,
          placeholder: 'https://10.20.0.10:6443',
          span: 2,
        },
        { name: 'version', label: 'Version', type: 'text', nullable: true, placeholder: 'v1.31.2', mono: true },
        { name: 'description', label: 'Description', type: 'textarea', nullable: true, span: 2 },
      ],
    },
  ];
}
export const CLUSTER_DEFAULTS: Values = { kind: 'kubernetes', security_zone: 'Internal' };

/** The workload's scalar fields; labels and probes have editors of their own (WorkloadForm). */
export function workloadSections(clusters: Cluster[], creating: boolean): Section[] {
  return [
    {
      title: 'Workload',
      description: creating
        ? 'A Kubernetes Deployment, or a set of Docker/Podman containers. Namespace and name are DNS labels, unique ' +
          'within the cluster.'
        : 'Where it runs and what it is called are fixed. The image changes by a rolling update and the replica ' +
          'count by scaling, from the workload’s page.',
      fields: creating
        ? [
            {
              name: 'cluster_id',
              label: 'Cluster',
              type: 'select',
              numeric: true,
              required: true,
              emptyOption: 'Select a cluster…',
              options: clusters.map((c) => ({
                value: String(c.id),
                label: `${c.name} · ${KIND_LABEL[c.kind]} · ${c.datacenter_name}`,
              })),
              span: 2,
            },
            { name: 'namespace', label: 'Namespace', type: 'text', mono: true, placeholder: 'default' },
            { name: 'name', label: 'Name', type: 'text', required: true, mono: true, placeholder: 'web-frontend' },
            {
              name: 'image',
              label: 'Image',
              type: 'text',
              required: true,
              mono: true,
              placeholder: 'registry.example.com/shop/web:1.4.2',
              span: 2,
            },
            {
              name: 'replicas_desired',
              label: 'Replicas',
              type: 'integer',
              placeholder: '1',
              help: 'How many should run, 0 to 1000',
            },
          ]
        : [],
    },
    {
      title: 'Requests and limits',
      description:
        'Per replica. What the scheduler reserves (request) and the most it may use (limit); a request may not exceed ' +
        'its limit. Leave empty for none.',
      fields: [
        { name: 'cpu_request_m', label: 'CPU request', type: 'integer', unit: 'm', nullable: true, placeholder: '250' },
        { name: 'cpu_limit_m', label: 'CPU limit', type: 'integer', unit: 'm', nullable: true, placeholder: '1000' },
        {
          name: 'memory_request_mb',
          label: 'Memory request',
          type: 'integer',
          unit: 'MB',
          nullable: true,
          placeholder: '256',
        },
        {
          name: 'memory_limit_mb',
          label: 'Memory limit',
          type: 'integer',
          unit: 'MB',
          nullable: true,
          placeholder: '512',
        },
      ],
    },
  ];
}
export const WORKLOAD_DEFAULTS: Values = { namespace: 'default', replicas_desired: '1' };

export const STATE_TONE: Record<Workload['state'], Tone> = {
  healthy: 'success',
  progressing: 'info',
  paused: 'warning',
  degraded: 'danger',
  unknown: 'neutral',
};
export const STATE_HINT: Record<Workload['state'], string> = {
  healthy: 'All desired replicas are ready',
  progressing: 'An operation is queued or running',
  paused: 'A rolling update is paused',
  degraded: 'Fewer replicas are ready than desired',
  unknown: 'No site agent has reported it yet',
};

/** "1.5 cores", "1 core", "250m" */
export const fmtMillicores = (m: number | null | undefined) =>
  m === null || m === undefined
    ? '—'
    : m >= 1000 && m % 100 === 0
      ? `${m / 1000} core${m === 1000 ? '' : 's'}`
      : `${m}m`;
/** "512 MB", "2 GB" */
export const fmtMb = (mb: number | null | undefined) =>
  mb === null || mb === undefined ? '—' : mb >= 1024 && mb % 256 === 0 ? `${mb / 1024} GB` : `${mb} MB`;

export const isActive = (op: Pick<WorkloadOperation, 'status'> | null | undefined) =>
  op?.status === 'queued' || op?.status === 'running';

export const opLabel = (op: Pick<WorkloadOperation, 'kind'>) =>
  op.kind === 'workload.set_image' ? 'Rolling update' : op.kind === 'workload.scale' ? 'Scale' : humanize(op.kind);

const str = (x: unknown) => (x === null || x === undefined ? '' : String(x));
const splitImage = (ref: string) => {
  const at = ref.lastIndexOf(':');
  // a colon before the last slash belongs to a registry's port, not to a tag
  return at > ref.lastIndexOf('/') ? { repo: ref.slice(0, at), tag: ref.slice(at + 1) } : { repo: ref, tag: '' };
};

/** "nginx:1.25 → nginx:1.27", "3 → 6 replicas"; `short`: "checkout:3.2.1 → 3.3.0" when only the tag changes */
export function opSummary(op: Pick<WorkloadOperation, 'kind' | 'params'>, short = false): string {
  const p = op.params;
  if (op.kind === 'workload.set_image') {
    const before = str(p.previous_image) || '?';
    const after = str(p.image);
    const a = splitImage(before);
    const b = splitImage(after);
    if (short && a.repo === b.repo && a.tag && b.tag) return `${a.repo.split('/').at(-1)}:${a.tag} → ${b.tag}`;
    return `${before} → ${after}`;
  }
  if (op.kind === 'workload.scale') {
    const n = Number(p.replicas);
    return `${p.previous_replicas ?? '?'} → ${str(p.replicas)} replica${n === 1 ? '' : 's'}`;
  }
  return '';
}

export type Step = WorkloadOperation['steps'][number];
export const detailOf = (s: Step): Record<string, unknown> => s.detail ?? {};

/** One line per step the agent reported, for the timeline. */
export function describeStep(s: Step): string {
  const line = describe(s);
  return line.charAt(0).toUpperCase() + line.slice(1);
}
function describe(s: Step): string {
  const d = detailOf(s);
  const back = d.rollback ? 'Rollback: ' : '';
  switch (s.step) {
    case 'batch':
      if (d.phase === 'starting')
        return `${back}batch ${str(d.batch)} of ${str(d.batches)} started${d.image ? `: replacing with ${str(d.image)}` : ''}`;
      if (d.phase === 'done') {
        const counts = [
          d.updated !== undefined && d.total !== undefined ? `${str(d.updated)}/${str(d.total)} updated` : '',
          d.ready !== undefined ? `${str(d.ready)} ready` : '',
        ].filter(Boolean);
        return `${back}batch ${str(d.batch)} of ${str(d.batches)} done${counts.length ? ` · ${counts.join(', ')}` : ''}`;
      }
      return `${back}batch ${str(d.batch)} of ${str(d.batches)}`;
    case 'rollout':
      return `${str(d.updated)}/${str(d.desired)} updated · ${str(d.ready)} ready · ${str(d.available)} available · ${str(d.total)} running`;
    case 'paused':
      return 'Paused: holding before the next batch';
    case 'resumed':
      return 'Resumed';
    case 'cancel_requested':
      return `Cancel asked${d.by ? ` by ${str(d.by)}` : ''}: the agent stops and rolls back`;
    case 'rollback':
      return `Rolling back to ${str(d.image) || 'the previous image'}${d.batch ? ` (batch ${str(d.batch)})` : ''}${d.reason ? `: ${str(d.reason)}` : ''}`;
    default:
      return humanize(s.step);
  }
}

export interface RolloutProgressInfo {
  /** 0..100 */
  pct: number;
  /** "Batch 2 of 4" or "3 of 5 updated" */
  headline: string;
  /** batches (Docker/Podman) */
  batch?: number;
  batches?: number;
  /** batches finished (Docker/Podman) */
  doneBatches?: number;
  inFlight: boolean;
  updated?: number;
  ready?: number;
  total?: number;
  rollingBack: boolean;
}

/** Where a rolling update stands, from its steps (Docker/Podman batches, or the Kubernetes rollout's counts). */
export function rolloutProgress(op: WorkloadOperation, desired: number): RolloutProgressInfo {
  const steps = op.steps;
  const rollbackAt = steps.findIndex((s) => s.step === 'rollback');
  const rollingBack = rollbackAt >= 0;
  const forward = rollingBack ? steps.slice(0, rollbackAt) : steps;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  // counts: the latest step that has them (the rollback's own batches included: they say what runs now)
  let updated: number | undefined;
  let ready: number | undefined;
  let total: number | undefined;
  for (const s of steps) {
    const d = detailOf(s);
    if (s.step === 'rollout') {
      updated = num(d.updated);
      ready = num(d.ready);
      total = num(d.desired) ?? num(d.total);
    } else if (s.step === 'batch' && d.phase === 'done' && !d.rollback) {
      updated = num(d.updated) ?? updated;
      ready = num(d.ready) ?? ready;
      total = num(d.total) ?? total;
    }
  }
  const lastBatch = [...forward].reverse().find((s) => s.step === 'batch' && !detailOf(s).rollback);
  if (lastBatch) {
    const d = detailOf(lastBatch);
    const batch = num(d.batch) ?? 0;
    const batches = num(d.batches) ?? 0;
    const inFlight = d.phase === 'starting';
    const doneBatches = inFlight ? batch - 1 : batch;
    const pct = op.status === 'succeeded' ? 100 : batches ? Math.round((doneBatches / batches) * 100) : 0;
    return {
      pct,
      headline: `Batch ${batch} of ${batches}`,
      batch,
      batches,
      doneBatches: op.status === 'succeeded' ? batches : doneBatches,
      inFlight: inFlight && op.status === 'running' && !op.paused,
      updated,
      ready,
      total,
      rollingBack,
    };
  }
  const k8s = [...forward].reverse().find((s) => s.step === 'rollout');
  if (k8s) {
    const want = total || desired || 1;
    const pct = op.status === 'succeeded' ? 100 : Math.min(100, Math.round(((updated ?? 0) / want) * 100));
    return {
      pct,
      headline: `${updated ?? 0} of ${want} updated`,
      inFlight: op.status === 'running' && !op.paused,
      updated,
      ready,
      total: want,
      rollingBack,
    };
  }
  return {
    pct: op.status === 'succeeded' ? 100 : 0,
    headline: op.status === 'queued' ? 'Queued' : op.status === 'running' ? 'Starting' : humanize(op.status),
    inFlight: op.status === 'running' && !op.paused,
    updated,
    ready,
    total,
    rollingBack,
  };
}
