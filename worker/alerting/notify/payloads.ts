// What each kind of channel receives, as pure functions of the notification and its alerts (unit-tested
// shapes; the Alertmanager one follows the webhook_config payload, version "4").

export interface NotifiedAlert {
  id: number;
  fingerprint: string;
  status: string;
  severity: string;
  message: string;
  metric: string | null;
  value: number | null;
  threshold: number | null;
  labels: Record<string, string>;
  started_at: string;
  resolved_at: string | null;
  datacenter_id: number | null;
  rack_id: number | null;
  server_id: number | null;
  device: string | null;
  rack: string | null;
  datacenter: string | null;
}

export interface NotificationView {
  id: number;
  kind: 'firing' | 'resolved' | 'test';
  group_key: string;
  level: number;
  policy: string | null;
  /** the product's origin, for links back (https://dc.example.com) */
  origin: string;
  alerts: NotifiedAlert[];
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const SEVERITY_MARK: Record<string, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

export const alertUrl = (n: Pick<NotificationView, 'origin'>, a: Pick<NotifiedAlert, 'id'>) =>
  `${n.origin}/alerts/${a.id}`;

/** One line saying what the notification is about: "[FIRING:2] NYC1-A01: fan stopped, CPU pegged". */
export function subjectOf(n: NotificationView): string {
  const status = n.kind === 'test' ? 'TEST' : n.kind === 'resolved' ? 'RESOLVED' : 'FIRING';
  const where = n.alerts[0]?.rack ?? n.alerts[0]?.datacenter ?? 'DC Platform';
  const level = n.kind === 'firing' && n.level > 1 ? ` (escalation level ${n.level})` : '';
  return `[${status}:${n.alerts.length}] ${where}${level}: ${n.alerts.map((a) => a.message).join('; ')}`.slice(0, 300);
}

/** Our own JSON webhook body (signed, see signWebhook). */
export function webhookBody(n: NotificationView) {
  return {
    version: '1',
    notification_id: n.id,
    status: n.kind,
    group_key: n.group_key,
    level: n.level,
    policy: n.policy,
    subject: subjectOf(n),
    alerts: n.alerts.map((a) => ({ ...a, url: alertUrl(n, a) })),
  };
}

const common = (maps: Record<string, string>[]) => {
  if (!maps.length) return {};
  return Object.fromEntries(Object.entries(maps[0]!).filter(([k, val]) => maps.every((m) => m[k] === val)));
};

const amLabels = (a: NotifiedAlert) => ({
  alertname: a.labels.rule ?? a.metric ?? 'alert',
  severity: a.severity,
  ...(a.device ? { device: a.device } : {}),
  ...(a.rack ? { rack: a.rack } : {}),
  ...(a.datacenter ? { datacenter: a.datacenter } : {}),
  ...a.labels,
});

/**
 * Alertmanager's webhook payload (version 4): what tools that consume Alertmanager webhooks already parse.
 * `receiver` is the channel's name.
 */
export function alertmanagerBody(n: NotificationView, receiver: string) {
  const alerts = n.alerts.map((a) => {
    const resolved = a.status === 'resolved';
    return {
      status: resolved ? 'resolved' : 'firing',
      labels: amLabels(a),
      annotations: {
        summary: a.message,
        ...(a.value !== null ? { value: String(a.value) } : {}),
        ...(a.threshold !== null ? { threshold: String(a.threshold) } : {}),
      },
      startsAt: a.started_at,
      endsAt: resolved && a.resolved_at ? a.resolved_at : ZERO_TIME,
      generatorURL: alertUrl(n, a),
      fingerprint: a.fingerprint,
    };
  });
  const groupBy = n.alerts[0]?.rack
    ? { rack: n.alerts[0].rack }
    : n.alerts[0]?.datacenter
      ? { datacenter: n.alerts[0].datacenter }
      : {};
  return {
    version: '4',
    groupKey: n.group_key,
    truncatedAlerts: 0,
    status: alerts.every((a) => a.status === 'resolved') ? 'resolved' : 'firing',
    receiver,
    groupLabels: groupBy,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: n.origin,
    alerts,
  };
}

/** A Slack incoming-webhook message: a summary line, then one block per alert with a link. */
export function slackBody(n: NotificationView) {
  return {
    text: subjectOf(n),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: subjectOf(n).slice(0, 150) } },
      ...n.alerts.slice(0, 20).map((a) => ({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${SEVERITY_MARK[a.severity] ?? '⚪'} *${a.severity}* ${a.status === 'resolved' ? '~resolved~ ' : ''}<${alertUrl(n, a)}|${a.message}>`,
        },
      })),
    ],
  };
}

/** A plain-text email (RFC 5322 with the headers the Email binding needs). */
export function emailMessage(n: NotificationView, from: string, to: string[]): string {
  const lines = n.alerts.map(
    (a) => `- [${a.severity}] ${a.message} (${a.status}, since ${a.started_at})\n  ${alertUrl(n, a)}`,
  );
  const subject = subjectOf(n).replace(/[\r\n]+/g, ' ');
  return [
    `From: DC Platform <${from}>`,
    `To: ${to.join(', ')}`,
    `Subject: ${subject}`,
    `Message-ID: <notification-${n.id}-${Date.now()}@${from.split('@')[1] ?? 'dc-platform'}>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    subject,
    '',
    ...lines,
    '',
    n.kind === 'firing' ? 'Acknowledge in DC Platform to stop the escalation.' : '',
  ].join('\r\n');
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The webhook signature: HMAC-SHA256 over `<timestamp>.<body>` with the channel's secret, sent as
 * `X-DCP-Signature: sha256=<hex>` beside `X-DCP-Timestamp: <unix seconds>`. A receiver recomputes it and refuses
 * a timestamp more than a few minutes old, so a captured request cannot be replayed later.
 */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return `sha256=${hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${timestamp}.${body}`)))}`;
}
