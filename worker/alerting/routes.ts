import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { IdParams, getRow, mountResource } from '../platform/http/resource';
import { alertRulesResource, exportPrometheusRules } from './rules';
import { alertDetail, alertsResource, respondToAlert } from './alerts';
import {
  AcknowledgeBody,
  AlertDetail,
  AlertmanagerAlerts,
  ExportQuery,
  ResolveBody,
  RulePreview,
  RulePreviewBody,
} from './schemas/alert-rule';
import { previewRule } from './preview';
import { receiveAlertmanager } from './alertmanager';
import { attachmentFor, forwardUpgrade, upgradeOnly } from '../platform/live/upgrade';
import { alertHub } from '../../durable-objects/alert-hub-client';
import { channelsResource } from './channels';
import { policiesResource } from './policies';
import { schedulesResource, shiftsOf } from './schedules';
import { notificationDetail, notificationsResource, sendTest } from './notifications';
import { maintenanceResource } from './maintenance';
import { createIncident, incidentDetail, incidentStats, incidentsResource, updateIncident } from './incidents';
import { IncidentCreate, IncidentDetail, IncidentStats, IncidentUpdate, StatsQuery } from './schemas/incident';
import { NotificationDetail, Shift, ShiftsQuery, TestResult } from './schemas/notifications';

export function mountAlerting(api: Api) {
  // before the resource: /alert-rules/{id} would take "export" for an id
  api.op(
    {
      method: 'get',
      path: '/alert-rules/export',
      summary: 'The enabled metric rules as a Prometheus rule file (YAML) over the families of GET /metrics',
      description:
        'Checked with `promtool check rules`. Hysteresis becomes the ALERTS idiom; rules Prometheus cannot ' +
        'express from /metrics (inventory checks, server-type scopes, metrics /metrics does not expose) are ' +
        'listed as comments.',
      tags: ['Alerting'],
      access: 'alerts:read',
      query: ExportQuery,
      responses: [{ status: 200, description: 'Rule file', contentType: 'application/yaml' }],
    },
    async (c, { ctx }) => {
      const yaml = await exportPrometheusRules(ctx);
      return c.body(yaml, 200, {
        'content-type': 'application/yaml; charset=utf-8',
        'content-disposition': 'attachment; filename="dc-platform-rules.yml"',
      });
    },
  );
  api.op(
    {
      method: 'post',
      path: '/alert-rules/preview',
      summary: 'How often a metric condition would have fired over the last 24 h of one-minute rollups',
      description:
        'Replays the condition (aggregate, window, comparison, for, clear threshold) per series, on the devices ' +
        'you can see; per device and per hour. One-minute points: a close reading of what the rack objects would ' +
        'have done sample by sample.',
      tags: ['Alerting'],
      access: 'alerts:read',
      body: RulePreviewBody,
      responses: [{ status: 200, description: 'The replay', schema: RulePreview, name: 'RulePreview' }],
    },
    async (c, { ctx, body }) => c.json(await previewRule(ctx, body)),
  );
  mountResource(api, alertRulesResource);

  api.op(
    {
      method: 'post',
      path: '/v2/alerts',
      summary: 'Alertmanager API v2: alerts from a Prometheus that uses the platform as its Alertmanager',
      description:
        'Point `alerting.alertmanagers` of prometheus.yml here (path_prefix "/", an `ingest` token as ' +
        'authorization credentials). Alerts are matched to devices by their `instance`, `device`/`server`, ' +
        '`rack` or `datacenter` labels and get the lifecycle of our own alerts; an alert whose `endsAt` has ' +
        'passed is resolved.',
      tags: ['Alerting'],
      access: 'metrics:ingest',
      body: AlertmanagerAlerts,
      responses: [
        {
          status: 200,
          description: 'Received',
          schema: v.object({ received: v.number(), firing: v.number(), resolved: v.number() }),
        },
      ],
    },
    async (c, { ctx, body }) => c.json(await receiveAlertmanager(ctx, body)),
  );
  mountResource(api, alertsResource);

  api.op(
    {
      method: 'get',
      path: '/live/alerts',
      summary: 'WebSocket: alert changes as they happen (fired, acknowledged, resolved, ...), for your clearance',
      description:
        'Each message is `{"type":"alert","event":…,"at":…,"alert":{…}}` with the alert as GET /alerts lists it; ' +
        'the first is `{"type":"hello"}` (re-read the list then: changes made while you were away are not ' +
        'replayed). Send "ping" to get "pong". Closes with 4401 when the session behind it expires.',
      tags: ['Alerting'],
      access: 'alerts:read',
      responses: [
        { status: 101, description: 'Switching protocols' },
        { status: 426, description: 'Not a WebSocket upgrade' },
      ],
    },
    async (c, { user }) => {
      upgradeOnly(c);
      return forwardUpgrade(c, alertHub(c.env), { 'x-dcp-socket': JSON.stringify(attachmentFor(c, user!)) });
    },
  );

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

  mountNotifications(api);
  mountResource(api, maintenanceResource);
  mountIncidents(api);
}

function mountIncidents(api: Api) {
  // before the resource: /incidents/{id} would take "stats" for an id
  api.op(
    {
      method: 'get',
      path: '/incidents/stats',
      summary: 'MTTA and MTTR (seconds) per severity and per month of opening, over the last `months` (default 12)',
      tags: ['Alerting'],
      access: 'alerts:read',
      query: StatsQuery,
      responses: [{ status: 200, description: 'Figures', schema: IncidentStats, name: 'IncidentStats' }],
    },
    async (c, { ctx, query }) => c.json(await incidentStats(ctx, query.months ?? 12)),
  );
  mountResource(api, incidentsResource);
  const detail = {
    status: 200,
    description: 'The incident with its alerts and timeline',
    schema: IncidentDetail,
    name: 'IncidentDetail',
  };
  api.op(
    {
      method: 'post',
      path: '/incidents',
      summary: 'Open an incident by hand (optionally with alerts)',
      tags: ['Alerting'],
      access: 'alerts:respond',
      body: IncidentCreate,
      responses: [
        { ...detail, status: 201 },
        { status: 422, description: 'Invalid fields' },
      ],
    },
    async (c, { ctx, body }) => c.json(await createIncident(ctx, body), 201),
  );
  api.op(
    {
      method: 'get',
      path: '/incidents/{id}',
      summary: "An incident with its alerts and its timeline (its steps merged with its alerts' histories)",
      tags: ['Alerting'],
      access: 'alerts:read',
      params: IdParams,
      responses: [detail, { status: 404, description: 'No such incident' }],
    },
    async (c, { ctx, params }) => c.json(await incidentDetail(ctx, params.id)),
  );
  api.op(
    {
      method: 'patch',
      path: '/incidents/{id}',
      summary: 'Change status, severity, assignee, title or post-incident summary, or add a note: each a timeline step',
      tags: ['Alerting'],
      access: 'alerts:respond',
      params: IdParams,
      body: IncidentUpdate,
      responses: [
        detail,
        { status: 404, description: 'No such incident' },
        { status: 422, description: 'Invalid fields' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await updateIncident(ctx, params.id, body)),
  );
}

/** Channels, escalation policies, on-call schedules, and what was sent. */
function mountNotifications(api: Api) {
  mountResource(api, channelsResource);
  api.op(
    {
      method: 'post',
      path: '/notification-channels/{id}/test',
      summary: 'Send a test notification to the channel now (one attempt, recorded like any delivery)',
      tags: ['Alerting'],
      access: 'alerts:configure',
      params: IdParams,
      responses: [
        { status: 200, description: 'What the receiver answered', schema: TestResult, name: 'TestResult' },
        { status: 404, description: 'No such channel' },
      ],
    },
    async (c, { ctx, params }) => c.json(await sendTest(ctx, params.id)),
  );
  mountResource(api, policiesResource);
  mountResource(api, schedulesResource);
  api.op(
    {
      method: 'get',
      path: '/oncall-schedules/{id}/shifts',
      summary: 'Who is on call, shift by shift, from `from` (default now) for `days` days (default 28)',
      tags: ['Alerting'],
      access: 'alerts:read',
      params: IdParams,
      query: ShiftsQuery,
      responses: [
        { status: 200, description: 'Consecutive shifts', schema: v.array(Shift) },
        { status: 404, description: 'No such schedule' },
      ],
    },
    async (c, { ctx, params, query }) => {
      const s = await getRow(ctx, schedulesResource, params.id);
      const from = query.from ? Date.parse(query.from) : Date.now();
      return c.json(shiftsOf(s as never, from, query.days ?? 28));
    },
  );
  mountResource(api, notificationsResource);
  api.op(
    {
      method: 'get',
      path: '/notifications/{id}',
      summary: 'A notification with its deliveries and every attempt (status code, error, duration)',
      tags: ['Alerting'],
      access: 'alerts:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'The notification', schema: NotificationDetail, name: 'NotificationDetail' },
        { status: 404, description: 'No such notification' },
      ],
    },
    async (c, { ctx, params }) => c.json(await notificationDetail(ctx, params.id)),
  );
}
