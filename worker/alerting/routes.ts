import type { Api } from '../platform/http/api';
import { IdParams, mountResource } from '../platform/http/resource';
import { alertRulesResource } from './rules';
import { alertDetail, alertsResource, respondToAlert } from './alerts';
import { AcknowledgeBody, AlertDetail, ResolveBody } from './schemas/alert-rule';

export function mountAlerting(api: Api) {
  mountResource(api, alertRulesResource);
  mountResource(api, alertsResource);

  api.op(
    {
      method: 'get',
      path: '/alerts/{id}',
      summary: 'An alert with its history (fired, acknowledged, resolved: when, by whom, with which note)',
      tags: ['Alerting'],
      access: 'alerts:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'The alert', schema: AlertDetail, name: 'AlertDetail' },
        { status: 404, description: 'No such alert' },
      ],
    },
    async (c, { ctx, params }) => c.json(await alertDetail(ctx, params.id)),
  );

  for (const [action, body, summary] of [
    ['acknowledge', AcknowledgeBody, 'Acknowledge an alert: someone is on it (escalation stops); optional note'],
    ['resolve', ResolveBody, 'Resolve an alert by hand, with an optional note'],
  ] as const) {
    api.op(
      {
        method: 'put',
        path: `/alerts/{id}/${action}`,
        summary,
        tags: ['Alerting'],
        access: 'alerts:respond',
        params: IdParams,
        body,
        optionalBody: true,
        responses: [
          { status: 200, description: 'The alert with its history', schema: AlertDetail, name: 'AlertDetail' },
          { status: 404, description: 'No such alert' },
          { status: 409, description: 'Already resolved' },
        ],
      },
      async (c, { ctx, params, body }) => c.json(await respondToAlert(ctx, params.id, action, body?.note)),
    );
  }
}
