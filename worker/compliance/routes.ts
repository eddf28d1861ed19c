import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { ProblemError } from '../platform/http/problem';
import { CHECK_IDS, FRAMEWORK_IDS, isFramework } from './controls';
import { reportCsv, STATUSES } from './evaluate';
import { complianceOverview, complianceReport } from './service';

const Summary = v.object({
  pass: v.number(),
  fail: v.number(),
  warning: v.number(),
  not_applicable: v.number(),
  score_pct: v.pipe(v.number(), v.description('passed controls as a share of the applicable ones, 0–100')),
});

const Evidence = v.object({
  type: v.pipe(
    v.string(),
    v.description('user, api_token, rack, server, datacenter, audit_entry, audit_checkpoint, config, resource'),
  ),
  id: v.nullable(v.union([v.number(), v.string()])),
  label: v.string(),
  detail: v.string(),
});

const Control = v.object({
  id: v.picklist(CHECK_IDS),
  title: v.string(),
  description: v.string(),
  evaluation: v.pipe(v.string(), v.description('how the check decides its status')),
  status: v.picklist(STATUSES),
  reference: v.pipe(v.string(), v.description('control references of the framework, comma-separated')),
  summary: v.string(),
  evidence: v.array(Evidence),
  evidence_total: v.pipe(v.number(), v.description('evidence items found (the list is capped at 200)')),
});

const Report = v.object({
  framework: v.picklist(FRAMEWORK_IDS),
  title: v.string(),
  description: v.string(),
  generated_at: v.string(),
  summary: Summary,
  controls: v.array(Control),
});

const Overview = v.object({
  generated_at: v.string(),
  frameworks: v.array(
    v.object({
      framework: v.picklist(FRAMEWORK_IDS),
      title: v.string(),
      description: v.string(),
      controls: v.number(),
      summary: Summary,
    }),
  ),
});

export function mountCompliance(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/compliance',
      summary: 'Compliance frameworks with the pass / fail / warning counts of their automated controls',
      tags: ['Compliance'],
      access: 'audit:read',
      responses: [{ status: 200, description: 'One entry per framework', schema: Overview }],
    },
    async (c, { ctx }) => c.json(await complianceOverview(ctx)),
  );

  api.op(
    {
      method: 'get',
      path: '/compliance/{framework}',
      summary: 'Compliance report of one framework: each control checked against the live data, with evidence',
      description:
        `Frameworks: ${FRAMEWORK_IDS.join(', ')}. Evidence about racks and servers is limited to the caller's ` +
        'clearance. `?format=csv` answers text/csv, one row per control (control reference, check, status, ' +
        'summary, evidence count, evidence).',
      tags: ['Compliance'],
      access: 'audit:read',
      params: v.object({ framework: v.pipe(v.string(), v.description(FRAMEWORK_IDS.join(' | '))) }),
      query: v.object({
        format: v.optional(v.picklist(['json', 'csv'], 'must be "json" or "csv"')),
      }),
      responses: [
        { status: 200, description: 'The report (JSON, or text/csv with `?format=csv`)', schema: Report },
        { status: 404, description: 'Unknown framework' },
      ],
    },
    async (c, { ctx, params, query }) => {
      if (!isFramework(params.framework)) {
        throw new ProblemError(
          404,
          'not-found',
          `No compliance framework "${params.framework}"; use one of ${FRAMEWORK_IDS.join(', ')}.`,
          { extra: { frameworks: FRAMEWORK_IDS } },
        );
      }
      const report = await complianceReport(ctx, params.framework);
      if (query.format === 'csv') {
        const stamp = report.generated_at.slice(0, 10);
        return c.body(reportCsv(report), 200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="compliance-${report.framework}-${stamp}.csv"`,
        });
      }
      return c.json(report);
    },
  );
}
