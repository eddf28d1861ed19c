import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { IdParams, mountResource } from '../platform/http/resource';
import { queryId } from '../platform/schemas/common';
import { StorageSummary } from './schemas/storage-system';
import { StorageSnapshot, StorageSnapshotCreate } from './schemas/snapshot';
import { storageSystemsResource } from './systems';
import { createSnapshot, deleteSnapshot, getSnapshot, listSnapshots, snapshotListQuery } from './snapshot-service';
import { storageSummary } from './summary-service';

const SnapshotParams = v.object({
  ...IdParams.entries,
  snapshot_id: IdParams.entries.id,
});

export function mountStorage(api: Api) {
  // before the resource: /storage/{id} would otherwise take "summary" for an id
  api.op(
    {
      method: 'get',
      path: '/storage/summary',
      summary: 'Storage capacity per type and overall: raw, usable, used TB, utilisation, encrypted and replicated',
      tags: ['Storage'],
      access: 'inventory:read',
      query: v.object({ datacenter_id: v.optional(queryId('datacenter')) }),
      responses: [
        { status: 200, description: 'The summary', schema: StorageSummary, name: 'StorageSummary' },
        { status: 422, description: 'Bad datacenter_id' },
      ],
    },
    async (c, { ctx, query }) => c.json(await storageSummary(ctx, query.datacenter_id)),
  );

  mountResource(api, storageSystemsResource);

  const snapshot = { schema: StorageSnapshot, name: 'StorageSnapshot', complete: true };
  api.op(
    {
      method: 'get',
      path: '/storage/{id}/snapshots',
      summary: "A storage system's snapshots (newest first by default)",
      description: 'X-Total-Count and Link headers paginate.',
      tags: ['Storage'],
      access: 'inventory:read',
      params: IdParams,
      query: snapshotListQuery,
      rawQuery: true,
      responses: [
        { status: 200, description: 'A page of snapshots', ...snapshot, list: true },
        { status: 404, description: 'No such storage system' },
        { status: 422, description: 'Bad list parameters' },
      ],
    },
    async (c, { ctx, params }) => {
      const page = await listSnapshots(ctx, params.id, new URL(c.req.url));
      c.header('X-Total-Count', String(page.total));
      c.header('Link', page.link);
      return c.json(page.rows);
    },
  );
  api.op(
    {
      method: 'post',
      path: '/storage/{id}/snapshots',
      summary: 'Record a snapshot of a storage system (kept retention_days, 7 by default)',
      description: 'Refused (409) when its size exceeds the free capacity of the system or its name is taken there.',
      tags: ['Storage'],
      access: 'inventory:write',
      params: IdParams,
      body: StorageSnapshotCreate,
      responses: [
        { status: 201, description: 'The snapshot', ...snapshot },
        { status: 404, description: 'No such storage system' },
        { status: 409, description: 'Too big for the free capacity, or the name is taken' },
        { status: 422, description: 'Invalid fields' },
      ],
    },
    async (c, { ctx, params, body }) => {
      const created = await createSnapshot(ctx, params.id, body);
      c.header('Location', `/api/storage/${params.id}/snapshots/${created.id}`);
      return c.json(created, 201);
    },
  );
  api.op(
    {
      method: 'get',
      path: '/storage/{id}/snapshots/{snapshot_id}',
      summary: 'One snapshot of a storage system',
      tags: ['Storage'],
      access: 'inventory:read',
      params: SnapshotParams,
      responses: [
        { status: 200, description: 'The snapshot', ...snapshot },
        { status: 404, description: 'No such storage system or snapshot' },
      ],
    },
    async (c, { ctx, params }) => c.json(await getSnapshot(ctx, params.id, params.snapshot_id)),
  );
  api.op(
    {
      method: 'delete',
      path: '/storage/{id}/snapshots/{snapshot_id}',
      summary: 'Delete a snapshot record',
      tags: ['Storage'],
      access: 'inventory:write',
      params: SnapshotParams,
      responses: [
        { status: 204, description: 'Deleted' },
        { status: 404, description: 'No such storage system or snapshot' },
      ],
    },
    async (c, { ctx, params }) => {
      await deleteSnapshot(ctx, params.id, params.snapshot_id);
      return c.body(null, 204);
    },
  );
}
