import * as v from 'valibot';
import { timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI reads the report's shape from these.

export const IMPORT_SOURCES = ['netbox'] as const;
export const RUN_STATUSES = ['dry_run', 'applied', 'failed'] as const;

/** A NetBox REST export (endpoint name → its objects) or a `manage.py dumpdata` array; checked in depth by the importer. */
export const NetboxExport = v.pipe(
  v.union(
    [v.array(v.unknown()), v.record(v.string(), v.unknown())],
    'must be a NetBox REST export (an object of endpoint lists) or a dumpdata array',
  ),
  v.description(
    'Either `{ "sites": [...], "racks": [...], "device-types": [...], "devices": [...], "power-panels": [...], ' +
      '"power-feeds": [...], "interfaces": [...], "cables": [...], "clusters": [...], "virtual-machines": [...] }` ' +
      '(each the `results` of a NetBox REST endpoint, keys as the endpoint names, `_` accepted for `-`; lookups such ' +
      'as "manufacturers", "device-roles", "platforms", "ip-addresses" resolve ids) or the JSON array of `manage.py dumpdata`.',
  ),
);

export const NetboxImportQuery = v.object({
  dry_run: v.optional(v.picklist(['true', 'false'], 'must be true or false')),
});

const Counts = v.object({ created: v.number(), updated: v.number(), unchanged: v.number(), skipped: v.number() });

export const ImportReport = v.object({
  summary: v.pipe(
    v.record(v.string(), Counts),
    v.description('Per table of ours (datacenters, racks, servers, network_devices, …): what the import does'),
  ),
  unmapped: v.array(
    v.object({ type: v.string(), reason: v.string(), count: v.number(), examples: v.array(v.string()) }),
  ),
  issues: v.array(
    v.object({ type: v.string(), netbox_id: v.number(), name: v.nullable(v.string()), reason: v.string() }),
  ),
  issues_total: v.number(),
  warnings: v.array(v.object({ message: v.string(), count: v.number() })),
  read: v.record(v.string(), v.number()),
});

export const ImportRun = v.object({
  ...timestampsOut,
  source: v.picklist(IMPORT_SOURCES),
  dry_run: v.boolean(),
  status: v.picklist(RUN_STATUSES),
  requested_by: v.nullable(v.string()),
  report: v.record(v.string(), v.unknown()),
  duration_ms: v.nullable(v.number()),
});

export const NetboxImportResult = v.object({
  run_id: v.number(),
  dry_run: v.boolean(),
  status: v.picklist(RUN_STATUSES),
  duration_ms: v.number(),
  report: ImportReport,
});
