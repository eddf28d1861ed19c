import * as v from 'valibot';
import type { Api, Ctx } from '../platform/http/api';
import { IdParams, mountResource, type Row } from '../platform/http/resource';
import { badRequest } from '../platform/http/problem';
import { vmsResource } from './vms';
import { cancelOperation, migrationTargets, operationsResource, requestMigration, requestPower } from './operations';
import { hostCapacity, setOvercommit } from './hosts';
import { HostCapacity, MigrateBody, MigrationTarget, OvercommitBody } from './schemas/vm';
import { PowerBody, SiteAgentStatus, VmOperation } from './schemas/operation';
import { agentAttachment, siteAgentStatus } from './sites';
import { scalingDecisionsResource, scalingGroupsResource } from './scaling-groups';
import { requestClone, requestRevert, requestSnapshot, requestSnapshotDelete, snapshotsResource } from './snapshots';
import { CloneBody, SnapshotCreate } from './schemas/snapshot';
import { clusterNodesResource, clustersResource, workloadsResource } from './containers';
import { autoscaleDecisionsResource, autoscalePoliciesResource } from './autoscale';
import {
  cancelWorkloadOperation,
  requestRollout,
  requestScale,
  setPaused,
  workloadOperationsResource,
} from './workload-operations';
import { RolloutBody, ScaleBody, WorkloadOperation } from './schemas/container';
import { forwardUpgrade, upgradeOnly } from '../platform/live/upgrade';
import { siteAgent } from '../../durable-objects/site-agent-client';

const IDEMPOTENCY =
  'Send an `Idempotency-Key` header (up to 200 printable characters) to retry safely: the same key returns the ' +
  'operation it created (200) instead of queueing another.';

function idempotencyKey(c: Ctx): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw badRequest('The Idempotency-Key header must be 1 to 200 printable ASCII characters without spaces.', [
      { field: 'Idempotency-Key', message: 'must be 1 to 200 printable ASCII characters' },
    ]);
  }
  return key;
}

/** 202 and where to watch it; 200 when the key had already queued it. */
const accepted = (c: Ctx, r: { operation: Row; replayed: boolean }) => {
  c.header('location', `/api/vm-operations/${r.operation.id}`);
  return c.json(r.operation, r.replayed ? 200 : 202);
};

const operationResponses = [
  { status: 202, description: 'Queued for the site agent', schema: VmOperation, name: 'VmOperation' },
  { status: 200, description: 'Already queued under this Idempotency-Key', schema: VmOperation, name: 'VmOperation' },
  { status: 404, description: 'No such VM' },
  { status: 409, description: 'The VM is busy with another operation, or not in a state this operation starts from' },
];

export function mountVirtualization(api: Api) {
  mountContainers(api);
  mountResource(api, vmsResource);
  mountResource(api, operationsResource);
  mountResource(api, snapshotsResource);
  mountResource(api, scalingGroupsResource);
  mountResource(api, scalingDecisionsResource);

  api.op(
    {
      method: 'get',
      path: '/agents/connect',
      summary: "WebSocket: a site agent's connection to its site's operation queue (agent/, the site agent)",
      description:
        'Authenticate with an `agent` token bound to the site, sent as the subprotocols `dcp-agent, bearer.<token>` ' +
        '(a WebSocket client cannot set headers). Frames are JSON per worker/virtualization/agent-protocol.ts: ' +
        '`welcome`, then one `operation` at a time under a lease; the agent answers `hello`, `started`, ' +
        '`progress`, `result`, `observed`. A newer connection of the same site closes the older one (4409).',
      tags: ['Virtualization'],
      access: 'agents:connect',
      responses: [
        { status: 101, description: 'Switching protocols' },
        { status: 403, description: 'Not an agent token' },
        { status: 426, description: 'Not a WebSocket upgrade' },
      ],
    },
    async (c, { ctx }) => {
      upgradeOnly(c);
      const attachment = await agentAttachment(ctx, Number(c.env.ACCESS_TOKEN_EXPIRE_MINUTES ?? 30) || 30);
      return forwardUpgrade(c, siteAgent(c.env, attachment.site.datacenter_id), {
        'x-dcp-agent': JSON.stringify(attachment),
      });
    },
  );
  api.op(
    {
      method: 'get',
      path: '/sites/{id}/agent',
      summary: "A site's (datacenter's) agent: connected or when last seen, what it drives, its queue",
      tags: ['Virtualization'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'The agent and its queue', schema: SiteAgentStatus, name: 'SiteAgentStatus' },
        { status: 404, description: 'No such datacenter' },
      ],
    },
    async (c, { ctx, params }) => c.json(await siteAgentStatus(ctx, params.id)),
  );

  api.op(
    {
      method: 'get',
      path: '/servers/{id}/capacity',
      summary: 'What a host promises to VMs against what it has: vCPU, RAM and disk, with its overcommit ratios',
      tags: ['Virtualization'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'Per-resource capacity', schema: HostCapacity, name: 'HostCapacity' },
        { status: 404, description: 'No such server' },
      ],
    },
    async (c, { ctx, params }) => c.json(await hostCapacity(ctx, params.id)),
  );
  api.op(
    {
      method: 'put',
      path: '/servers/{id}/overcommit',
      summary: "Set a host's overcommit ratios (default vCPU 4:1, RAM 1:1, disk 1:1)",
      description: 'Refused (409) when the VMs already on the host would no longer fit.',
      tags: ['Virtualization'],
      access: 'inventory:write',
      params: IdParams,
      body: OvercommitBody,
      responses: [
        {
          status: 200,
          description: "The host's capacity at the new ratios",
          schema: HostCapacity,
          name: 'HostCapacity',
        },
        { status: 404, description: 'No such server' },
        { status: 409, description: 'Its VMs would no longer fit' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await setOvercommit(ctx, params.id, body)),
  );

  api.op(
    {
      method: 'get',
      path: '/vms/{id}/migration-targets',
      summary: "The hosts of the VM's datacenter: whether it may move there, their free capacity, and why not",
      tags: ['Virtualization'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'Allowed hosts first', schema: v.array(MigrationTarget) },
        { status: 404, description: 'No such VM' },
      ],
    },
    async (c, { ctx, params }) => c.json(await migrationTargets(ctx, params.id)),
  );

  for (const [action, summary] of [
    ['start', 'Start a stopped or suspended VM'],
    ['stop', 'Shut a VM down (force: pull the plug)'],
    ['restart', 'Restart a running VM'],
  ] as const) {
    api.op(
      {
        method: 'post',
        path: `/vms/{id}/${action}`,
        summary,
        description: `Queued as an operation for the site agent of the VM's datacenter. ${IDEMPOTENCY}`,
        tags: ['Virtualization'],
        access: 'vms:operate',
        params: IdParams,
        body: PowerBody,
        optionalBody: true,
        responses: operationResponses,
      },
      async (c, { ctx, params, body }) =>
        accepted(c, await requestPower(ctx, params.id, `vm.${action}`, body, idempotencyKey(c))),
    );
  }

  api.op(
    {
      method: 'post',
      path: '/vms/{id}/migrate',
      summary: 'Live-migrate a VM to another host of its datacenter',
      description:
        "Checked against the target's free capacity (at its overcommit ratios), status, zone (never down to a " +
        `lower one) and the VM's anti-affinity group; the VM is \`migrating\` until the agent reports. ${IDEMPOTENCY}`,
      tags: ['Virtualization'],
      access: 'vms:operate',
      params: IdParams,
      body: MigrateBody,
      responses: [...operationResponses, { status: 422, description: 'The target host does not exist' }],
    },
    async (c, { ctx, params, body }) => accepted(c, await requestMigration(ctx, params.id, body, idempotencyKey(c))),
  );

  api.op(
    {
      method: 'post',
      path: '/vms/{id}/snapshots',
      summary: 'Take a snapshot of a VM (optionally deleted after `retention_days`)',
      description:
        'Queued for the site agent; the snapshot is listed as `creating` at once (GET /vm-snapshots?vm_id=) and ' +
        `becomes \`ready\` with its size when the hypervisor reports it. ${IDEMPOTENCY}`,
      tags: ['Virtualization'],
      access: 'vms:operate',
      params: IdParams,
      body: SnapshotCreate,
      responses: [...operationResponses, { status: 422, description: 'Invalid name or retention' }],
    },
    async (c, { ctx, params, body }) => accepted(c, await requestSnapshot(ctx, params.id, body, idempotencyKey(c))),
  );
  api.op(
    {
      method: 'post',
      path: '/vm-snapshots/{id}/revert',
      summary: 'Put a VM back to one of its snapshots',
      description: `The VM's later changes are lost; its other snapshots stay. ${IDEMPOTENCY}`,
      tags: ['Virtualization'],
      access: 'vms:operate',
      params: IdParams,
      responses: operationResponses,
    },
    async (c, { ctx, params }) => accepted(c, await requestRevert(ctx, params.id, idempotencyKey(c))),
  );
  api.op(
    {
      method: 'delete',
      path: '/vm-snapshots/{id}',
      summary: 'Delete a snapshot (its children then hang from its parent)',
      description: `Queued for the site agent; the snapshot is \`deleting\` until it reports. ${IDEMPOTENCY}`,
      tags: ['Virtualization'],
      access: 'vms:operate',
      params: IdParams,
      responses: operationResponses,
    },
    async (c, { ctx, params }) => accepted(c, await requestSnapshotDelete(ctx, params.id, idempotencyKey(c))),
  );
  api.op(
    {
      method: 'post',
      path: '/vms/{id}/clone',
      summary: 'Clone a VM, as it is or from one of its snapshots, on the same host',
      description:
        'The clone is recorded at once as `provisioning` (its resources are promised on the host, checked at the ' +
        "host's overcommit ratios) with its lineage (`cloned_from_vm_id`, `cloned_from_snapshot_id`); it becomes " +
        `\`stopped\` when the agent has made it, and disappears again if that fails. ${IDEMPOTENCY}`,
      tags: ['Virtualization'],
      access: 'vms:operate',
      params: IdParams,
      body: CloneBody,
      responses: [...operationResponses, { status: 422, description: 'Invalid name, or no such snapshot of the VM' }],
    },
    async (c, { ctx, params, body }) => {
      const r = await requestClone(ctx, params.id, body, idempotencyKey(c));
      if (r.clone) c.header('link', `</api/vms/${r.clone.id}>; rel="related"; title="the clone"`);
      return accepted(c, r);
    },
  );

  api.op(
    {
      method: 'post',
      path: '/vm-operations/{id}/cancel',
      summary: 'Withdraw a queued operation (one the agent already runs goes to its end)',
      tags: ['Virtualization'],
      access: 'vms:operate',
      params: IdParams,
      responses: [
        { status: 200, description: 'Cancelled', schema: VmOperation, name: 'VmOperation' },
        { status: 404, description: 'No such operation' },
        { status: 409, description: 'Not queued any more' },
      ],
    },
    async (c, { ctx, params }) => c.json(await cancelOperation(ctx, params.id)),
  );
}

/** Clusters, their nodes and workloads; scaling and rolling updates through the site agent. */
export function mountContainers(api: Api) {
  mountResource(api, clustersResource);
  mountResource(api, clusterNodesResource);
  mountResource(api, workloadsResource);
  mountResource(api, workloadOperationsResource);
  mountResource(api, autoscalePoliciesResource);
  mountResource(api, autoscaleDecisionsResource);
  const responses = [
    { status: 202, description: 'Queued for the site agent', schema: WorkloadOperation, name: 'WorkloadOperation' },
    {
      status: 200,
      description: 'Already queued under this Idempotency-Key',
      schema: WorkloadOperation,
      name: 'WorkloadOperation',
    },
    { status: 404, description: 'No such workload' },
    { status: 409, description: 'The workload is busy with another operation' },
  ];
  const queued = (c: Ctx, r: { operation: Row; replayed: boolean }) => {
    c.header('location', `/api/workload-operations/${r.operation.id}`);
    return c.json(r.operation, r.replayed ? 200 : 202);
  };
  api.op(
    {
      method: 'post',
      path: '/containers/{id}/scale',
      summary: 'Scale a workload to a number of replicas',
      description: `Queued for the site agent of the cluster's datacenter. ${IDEMPOTENCY}`,
      tags: ['Containers'],
      access: 'vms:operate',
      params: IdParams,
      body: ScaleBody,
      responses,
    },
    async (c, { ctx, params, body }) => queued(c, await requestScale(ctx, params.id, body, idempotencyKey(c))),
  );
  api.op(
    {
      method: 'post',
      path: '/containers/{id}/rollout',
      summary: 'Roll a new image out, batch by batch, rolled back automatically when readiness fails',
      description:
        'max_surge replicas may run above the desired count and max_unavailable may be down at any moment ' +
        '(Docker/Podman replace batch_size replicas per step; Kubernetes sizes its own). Every step the agent ' +
        "reports is kept in the operation's `steps`; pause, resume or cancel (= roll back) it while it runs. " +
        IDEMPOTENCY,
      tags: ['Containers'],
      access: 'vms:operate',
      params: IdParams,
      body: RolloutBody,
      responses: [...responses, { status: 422, description: 'Invalid image or rollout settings' }],
    },
    async (c, { ctx, params, body }) => queued(c, await requestRollout(ctx, params.id, body, idempotencyKey(c))),
  );
  for (const [action, paused, summary] of [
    ['pause', true, 'Pause a running rolling update before its next batch'],
    ['resume', false, 'Resume a paused rolling update'],
  ] as const) {
    api.op(
      {
        method: 'post',
        path: `/workload-operations/{id}/${action}`,
        summary,
        tags: ['Containers'],
        access: 'vms:operate',
        params: IdParams,
        responses: [
          {
            status: 200,
            description: 'Recorded and passed to the agent',
            schema: WorkloadOperation,
            name: 'WorkloadOperation',
          },
          { status: 404, description: 'No such operation' },
          { status: 409, description: 'Not a running rolling update' },
        ],
      },
      async (c, { ctx, params }) => c.json(await setPaused(ctx, params.id, paused)),
    );
  }
  api.op(
    {
      method: 'post',
      path: '/workload-operations/{id}/cancel',
      summary: 'Withdraw a queued operation, or stop a running rolling update (the agent rolls it back)',
      tags: ['Containers'],
      access: 'vms:operate',
      params: IdParams,
      responses: [
        { status: 200, description: 'Cancelled', schema: WorkloadOperation, name: 'WorkloadOperation' },
        {
          status: 202,
          description: 'The agent was asked to stop and roll back',
          schema: WorkloadOperation,
          name: 'WorkloadOperation',
        },
        { status: 404, description: 'No such operation' },
        { status: 409, description: 'Already finished' },
      ],
    },
    async (c, { ctx, params }) => {
      const r = await cancelWorkloadOperation(ctx, params.id);
      return c.json(r.operation, r.asked ? 202 : 200);
    },
  );
}
