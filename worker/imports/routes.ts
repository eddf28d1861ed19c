import type { Api } from '../platform/http/api';
import { mountResource } from '../platform/http/resource';
import { importRunsResource } from './runs';
import { NetboxExport, NetboxImportQuery, NetboxImportResult } from './schemas/import';
import { importNetbox } from './service';

/**
 * A NetBox export is one JSON document: the demo's is 3.7 MB and a 10k-device site's tens of MB, far over the
 * API's default body cap, so this route declares its own. (A Worker isolate has 128 MB; the parsed export must fit.)
 */
export const NETBOX_MAX_BYTES = 64 * 1024 * 1024;

export function mountImports(api: Api) {
  mountResource(api, importRunsResource);

  api.op(
    {
      method: 'post',
      path: '/imports/netbox',
      summary:
        'Import a NetBox export (REST endpoint lists or dumpdata): sites, racks, device types, devices by role, power feeds, interfaces, cables, VMs. A re-import updates what an earlier one created',
      description:
        'Sites become datacenters, racks racks, device types device types, devices servers / network devices / PDUs / ' +
        'storage by their role, power feeds feeds, interfaces of network devices ports, cables between them cables, VMs on ' +
        'imported servers VMs. What has no counterpart is reported by type with a count and the reason. Objects are ' +
        'matched to earlier imports by their NetBox id, then by name. `dry_run=true` writes nothing but the run record. ' +
        'A real import writes everything in one transaction, or nothing.',
      tags: ['Imports'],
      access: 'inventory:write',
      maxBodyBytes: NETBOX_MAX_BYTES,
      query: NetboxImportQuery,
      body: NetboxExport,
      responses: [
        {
          status: 200,
          description: 'The report of the import (or of the dry run)',
          schema: NetboxImportResult,
          name: 'NetboxImportResult',
        },
        { status: 422, description: 'Not a NetBox export' },
        { status: 409, description: 'The import conflicts with a concurrent change; nothing was written' },
      ],
    },
    async (c, { ctx, query, body }) => c.json(await importNetbox(ctx, body, query.dry_run === 'true')),
  );
}
