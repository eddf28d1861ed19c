import type { ServiceContext } from '../platform/context';
import { createRows, deleteRow, getRow, listRows, type Row } from '../platform/http/resource';
import { listQuerySchema, parseListQuery } from '../platform/http/list-query';
import { strictQuery } from '../platform/http/query-params';
import { paginationLinks } from '../platform/http/pagination';
import { notFound } from '../platform/http/problem';
import { storageSystemsResource } from './systems';
import { storageSnapshotsResource as def } from './snapshots';

// Snapshots live under their system: every call first reads the system within the caller's clearance, so a
// snapshot of a system out of sight is a 404 like the system itself.

const { storage_id: _, ...publicFilters } = def.filters;
const listOpts = { filters: def.filters, sortable: def.sortable, defaultSort: def.defaultSort };
export const snapshotListQuery = listQuerySchema({ ...listOpts, filters: publicFilters, searchable: def.searchable });

export async function listSnapshots(ctx: ServiceContext, storageId: number, url: URL) {
  await getRow(ctx, storageSystemsResource, storageId);
  // the path names the system: a storage_id in the query cannot widen it
  const q = parseListQuery({ ...strictQuery(url), storage_id: String(storageId) }, listOpts);
  const { rows, total } = await listRows(ctx, def, q);
  return { rows, total, link: paginationLinks(url, total, q.limit, q.offset) };
}

export async function createSnapshot(ctx: ServiceContext, storageId: number, body: Row): Promise<Row> {
  await getRow(ctx, storageSystemsResource, storageId);
  return (await createRows(ctx, def, [{ ...body, storage_id: storageId }]))[0];
}

export async function getSnapshot(ctx: ServiceContext, storageId: number, snapshotId: number): Promise<Row> {
  await getRow(ctx, storageSystemsResource, storageId);
  const row = await getRow(ctx, def, snapshotId, true);
  if (row.storage_id !== storageId) throw notFound('Snapshot', snapshotId);
  return row;
}

export async function deleteSnapshot(ctx: ServiceContext, storageId: number, snapshotId: number): Promise<void> {
  await getSnapshot(ctx, storageId, snapshotId);
  await deleteRow(ctx, def, snapshotId);
}
