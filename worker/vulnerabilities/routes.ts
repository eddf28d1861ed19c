import type { Api } from '../platform/http/api';
import { IdParams, mountResource } from '../platform/http/resource';
import { readJsonBody } from '../platform/http/validation';
import { catalogueResource } from './catalogue';
import { feedsResource } from './feeds';
import { findingsResource } from './findings';
import { CatalogueUpload, ImportResult } from './schemas/formats';
import { FindingStatusUpdate, VulnerabilityFinding } from './schemas/finding';
import { ConfigReport, RiskReport, ScanResult } from './schemas/reports';
import { parseFeedDocument } from './feed-parse';
import { importEntries } from './import-service';
import { scanInventory } from './scan-service';
import { setFindingStatus } from './status-service';
import { riskReport } from './risk-service';
import { configReport } from './config-service';

export function mountVulnerabilities(api: Api) {
  api.op(
    {
      method: 'post',
      path: '/vulnerabilities/catalogue/import',
      summary: 'Import a CISA KEV catalogue, one OSV record or an array of OSV records (air-gapped sites), then rescan',
      description:
        'The format is detected from the document. Entries merge into the catalogue by CVE id (an OSV record ' +
        'aliasing a KEV CVE completes it with versions). A bad field is a 422 naming its path ' +
        '(`vulnerabilities[3].dueDate`, `[1].affected[0].ranges[0].events[0]`).',
      tags: ['Vulnerabilities'],
      access: 'inventory:write',
      body: CatalogueUpload,
      rawBody: true,
      responses: [
        {
          status: 200,
          description: 'What was added and updated, and the rescan',
          schema: ImportResult,
          name: 'VulnerabilityImportResult',
        },
        { status: 422, description: 'Not a KEV catalogue or OSV records, or a bad field' },
      ],
    },
    async (c, { ctx }) => {
      const { format, entries } = parseFeedDocument(await readJsonBody(c.req.raw));
      const counts = await importEntries(ctx, format, entries, 'upload');
      return c.json({ ...counts, scan: await scanInventory(ctx) });
    },
  );
  mountResource(api, catalogueResource);
  mountResource(api, feedsResource);

  api.op(
    {
      method: 'post',
      path: '/vulnerabilities/scan',
      summary: 'Rescan the inventory against the catalogue now',
      description:
        'Findings keep first_seen across rescans; those that no longer match are marked fixed. Counts cover the ' +
        'assets the caller may see.',
      tags: ['Vulnerabilities'],
      access: 'inventory:write',
      responses: [{ status: 200, description: 'The scan', schema: ScanResult, name: 'VulnerabilityScanResult' }],
    },
    async (c, { ctx }) => c.json(await scanInventory(ctx)),
  );
  mountResource(api, findingsResource);
  api.op(
    {
      method: 'patch',
      path: '/vulnerabilities/findings/{id}',
      summary: "Accept a finding's risk (with a reason) or reopen it",
      description: 'The reason is kept in the audit trail. A fixed finding is the scanner’s: 409.',
      tags: ['Vulnerabilities'],
      access: 'inventory:write',
      params: IdParams,
      body: FindingStatusUpdate,
      responses: [
        {
          status: 200,
          description: 'The finding',
          schema: VulnerabilityFinding,
          name: 'VulnerabilityFinding',
          complete: true,
        },
        { status: 404, description: 'No such finding' },
        { status: 409, description: 'The finding is fixed' },
        { status: 422, description: 'Invalid status, or accepting without a reason' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await setFindingStatus(ctx, params.id, body)),
  );
  api.op(
    {
      method: 'get',
      path: '/vulnerabilities/risk',
      summary: 'Risk score per datacenter and rack from the open findings',
      tags: ['Vulnerabilities'],
      access: 'inventory:read',
      responses: [{ status: 200, description: 'Risk', schema: RiskReport, name: 'VulnerabilityRisk' }],
    },
    async (c, { ctx }) => c.json(await riskReport(ctx)),
  );
  api.op(
    {
      method: 'get',
      path: '/vulnerabilities/config',
      summary:
        'Configuration findings: management interfaces in public zones or on public addresses, equipment out of support, racks without redundant power, default credentials flagged by agents',
      tags: ['Vulnerabilities'],
      access: 'inventory:read',
      responses: [{ status: 200, description: 'Findings', schema: ConfigReport, name: 'VulnerabilityConfigReport' }],
    },
    async (c, { ctx }) => c.json(await configReport(ctx)),
  );
}
